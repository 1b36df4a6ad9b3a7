/**
 * Running scripts/scan.sh (the scanners CI runs, with CI's flags) on a throwaway copy of the repository
 * with findings planted in it, and reading what each scanner reported from its SARIF file.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repositoryRoot } from "./repo-files";

const toolsBin = path.join(repositoryRoot, ".tools", "bin");

/** Fails, rather than skips, when the toolchain is missing: a scanner that never runs proves nothing. */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((tool) => !existsSync(path.join(toolsBin, tool)));
  if (missing.length > 0)
    throw new Error(`${missing.join(", ")} not installed in .tools/bin: run npm run tools`);
}

export interface Sandbox {
  readonly dir: string;
  /** Writes a file (creating its folders) relative to the sandbox. */
  plant(relativePath: string, content: string): void;
  remove(): void;
}

/** A temporary copy of the given repository paths (files or folders), to plant findings in. */
export function sandboxOf(paths: readonly string[]): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shop-scan-"));
  for (const relative of paths) {
    cpSync(path.join(repositoryRoot, relative), path.join(dir, relative), { recursive: true });
  }
  return {
    dir,
    plant(relativePath, content) {
      mkdirSync(path.dirname(path.join(dir, relativePath)), { recursive: true });
      writeFileSync(path.join(dir, relativePath), content);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Makes the sandbox a git repository with its current content as one commit. */
export function commitAll(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=scan test", "-c", "user.email=scan@example.com", ...args], {
      cwd: dir,
      stdio: "ignore",
    });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "-A");
  git("commit", "--quiet", "--no-gpg-sign", "-m", "planted");
}

export interface ScanResult {
  readonly status: number | null;
  readonly output: string;
  /** One entry per SARIF result of the step: the rule id and the file, relative to the scanned folder. */
  readonly findings: { readonly ruleId: string; readonly file: string }[];
}

interface Sarif {
  runs: {
    results?: {
      ruleId?: string;
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
    }[];
  }[];
}

/** Runs one step of scripts/scan.sh on `dir` and collects its SARIF findings. */
export async function scanStep(step: string, dir: string): Promise<ScanResult> {
  const reports = mkdtempSync(path.join(os.tmpdir(), "shop-scan-reports-"));
  try {
    const child = spawn(path.join(repositoryRoot, "scripts", "scan.sh"), ["--only", step, dir], {
      env: { ...process.env, SCAN_REPORTS_DIR: reports },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
    const sarifFile = path.join(reports, `${step}.sarif`);
    const sarif: Sarif = existsSync(sarifFile)
      ? (JSON.parse(readFileSync(sarifFile, "utf8")) as Sarif)
      : { runs: [] };
    const findings = sarif.runs.flatMap((run) =>
      (run.results ?? []).map((result) => ({
        ruleId: result.ruleId ?? "",
        file: relativeTo(dir, result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ""),
      })),
    );
    return { status, output, findings };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

/** SARIF URIs are relative, absolute or file:// depending on the scanner; the tests compare relative paths. */
function relativeTo(dir: string, uri: string): string {
  const file = uri.startsWith("file://") ? new URL(uri).pathname : uri;
  return path.isAbsolute(file) ? path.relative(dir, file) : file.replace(/^\.\//, "");
}
