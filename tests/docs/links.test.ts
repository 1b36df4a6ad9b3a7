/**
 * The Markdown files point at things that exist: every relative link resolves to a file or folder (and to
 * a heading, when it names one), and every repository path a page mentions in code spans is there. A path
 * is only what starts with one of the repository's own top-level folders or names one of its root files,
 * so code identifiers (`report.bucketName`, `shop:api:ApiService`) and AWS names are never taken for one.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Tracked and new (not ignored) Markdown files: a page being written is checked before it is committed. */
function markdownFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
    cwd: root,
    encoding: "utf8",
  });
  return [...new Set(listed.split("\n").filter(Boolean))].filter((file) => existsSync(path.join(root, file)));
}

/** Fenced code blocks hold commands and output, not links: they are blanked (line numbers kept). */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ""));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  readonly line: number;
  readonly target: string;
}

function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  withoutFences(markdown)
    .split("\n")
    .forEach((text, index) => {
      const inline = text.replace(/`[^`]*`/g, "");
      for (const [, target] of inline.matchAll(/\]\(<?([^)\s>]+)>?[^)]*\)/g)) {
        links.push({ line: index + 1, target });
      }
      for (const [, target] of inline.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)) {
        links.push({ line: index + 1, target });
      }
    });
  return links;
}

const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

const topLevel = readdirSync(root).filter(
  (entry) => !["node_modules", ".git", "dist", ".tools"].includes(entry),
);
const folders = topLevel.filter((entry) => statSync(path.join(root, entry)).isDirectory());
const rootFiles = new Set(topLevel.filter((entry) => !folders.includes(entry)));
// Generated or installed, so absent from a fresh clone: a doc may name what appears there after a run.
const generated = /^(?:\.data|dist|coverage|reports|node_modules|\.tools)(?:\/|$)/;

/**
 * A code span that names a repository path: it starts with a top-level folder and a slash, or it is a root
 * file's name. Globs, placeholders and options (`tests/**`, `<stack>`, `--stack`) are patterns, not paths.
 */
function mentionedPath(span: string): string | undefined {
  const candidate = span.trim().replace(/^\.\//, "").replace(/:\d+$/, "").replace(/:\d+$/, "");
  if (/[\s*<>{}$?]|^-/.test(candidate) || generated.test(candidate)) return undefined;
  const [first] = candidate.split("/");
  if (candidate.includes("/") && folders.includes(first)) return candidate.replace(/\/$/, "");
  if (!candidate.includes("/") && /\.[a-z]+$/i.test(candidate) && rootFiles.has(candidate)) return candidate;
  if (!candidate.includes("/") && /^Pulumi\.[\w-]+\.yaml$/.test(candidate)) return candidate;
  return undefined;
}

function pathsMentioned(markdown: string): Link[] {
  const mentions: Link[] = [];
  withoutFences(markdown)
    .split("\n")
    .forEach((text, index) => {
      for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
        const mentioned = mentionedPath(span);
        if (mentioned) mentions.push({ line: index + 1, target: mentioned });
      }
      // Prose too ("see delivery-pipeline.md"): a word that names a folder's file or a Markdown page.
      const prose = text.replace(/`[^`]*`/g, " ").replace(/\]\([^)]*\)/g, "] ");
      for (const [, word] of prose.matchAll(/(?:^|[\s(])([\w.][\w./-]*\w)/g)) {
        const mentioned = word.includes("/")
          ? mentionedPath(word)
          : /^[\w-]+\.md$/.test(word)
            ? word
            : undefined;
        if (mentioned) mentions.push({ line: index + 1, target: mentioned });
      }
    });
  return mentions;
}

describe("Docs: links and paths", () => {
  const files = markdownFiles();

  it("finds the Markdown files", () => {
    assert.ok(files.includes("README.md"), files.join(", "));
  });

  it("resolves every relative link, and the heading it names", () => {
    const broken: string[] = [];
    for (const file of files) {
      const markdown = readFileSync(path.join(root, file), "utf8");
      for (const { line, target } of linksOf(markdown)) {
        if (external.test(target)) continue;
        const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
        const resolved =
          pathPart === ""
            ? path.join(root, file)
            : path.resolve(root, path.dirname(file), decodeURI(pathPart));
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${file}:${line}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith(".md") && !anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) {
          broken.push(`${file}:${line}: ${target} (no such heading)`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("mentions only repository paths that exist", () => {
    const missing: string[] = [];
    for (const file of files) {
      for (const { line, target } of pathsMentioned(readFileSync(path.join(root, file), "utf8"))) {
        // A bare page name ("operations.md") is read as the reader would: next to this page, or in docs/.
        const places = target.includes("/")
          ? [target]
          : [path.join(path.dirname(file), target), target, path.join("docs", target)];
        if (!places.some((place) => existsSync(path.join(root, place))))
          missing.push(`${file}:${line}: ${target}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("tells a path from an identifier (the checks above can fail)", () => {
    assert.equal(mentionedPath("components/api-service/index.ts"), "components/api-service/index.ts");
    assert.equal(mentionedPath("tests/docs/not-there.md"), "tests/docs/not-there.md");
    assert.equal(mentionedPath("app/http/openapi.ts:12"), "app/http/openapi.ts");
    assert.equal(mentionedPath("Pulumi.staging.yaml"), "Pulumi.staging.yaml");
    for (const notAPath of [
      "report.bucketName",
      "shop:api:ApiService",
      "tests/**/*.test.ts",
      "s3://b/reports/x.json",
      "npm run scan",
      ".data/s3",
      "dist/rotation",
      "application/json",
    ]) {
      assert.equal(mentionedPath(notAPath), undefined, notAPath);
    }
    assert.deepEqual(
      linksOf("see [a](docs/x.md#y) and `[b](not/a/link.md)`\n```\n[c](fenced.md)\n```\n[d]: ./ref.md"),
      [
        { line: 1, target: "docs/x.md#y" },
        { line: 5, target: "./ref.md" },
      ],
    );
    assert.ok(
      anchorsOf("# First deploy: from zero\n## `npm start`\n## Notes\n## Notes").has(
        "first-deploy-from-zero",
      ),
    );
    assert.ok(anchorsOf("## Notes\n## Notes").has("notes-1"));
    assert.ok(anchorsOf("## `npm start`").has("npm-start"));
  });
});
