import assert from "node:assert/strict";
import { listRepoDir, readRepoFile, readRepoYaml } from "./support/repo-files";

/**
 * Semgrep cannot run here (no PyPI); the build runs `semgrep --test` on every rule test. These checks keep
 * the rules and their tests in the shape that run needs: one test file per rule, named after it, with at
 * least one line the rule must flag and one it must leave alone.
 */
interface SemgrepRule {
  readonly id: string;
  readonly languages: string[];
  readonly severity: string;
  readonly message: string;
  readonly metadata?: { readonly cwe?: string };
  readonly mode?: string;
  readonly pattern?: unknown;
  readonly patterns?: unknown[];
  readonly "pattern-either"?: unknown[];
  readonly "pattern-sources"?: unknown[];
  readonly "pattern-sinks"?: unknown[];
}

const rules = readRepoYaml<{ rules: SemgrepRule[] }>(".semgrep.yml").rules;
const testFiles = listRepoDir(".semgrep/tests");

interface Annotation {
  readonly kind: "ruleid" | "ok";
  readonly ruleId: string;
  /** The line the annotation is about (the next one). */
  readonly target: string;
}

function annotationsOf(file: string): Annotation[] {
  const lines = readRepoFile(`.semgrep/tests/${file}`).split("\n");
  return lines.flatMap((line, index) => {
    const match = /^\s*\/\/\s*(ruleid|ok):\s*([\w-]+)\s*$/.exec(line);
    return match
      ? [{ kind: match[1] as Annotation["kind"], ruleId: match[2], target: lines[index + 1] ?? "" }]
      : [];
  });
}

/** Every `metavariable-regex` in a rule, wherever it is nested. */
function metavariableRegexes(node: unknown): { metavariable: string; regex: string }[] {
  if (Array.isArray(node)) return node.flatMap(metavariableRegexes);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "metavariable-regex"
      ? [value as { metavariable: string; regex: string }]
      : metavariableRegexes(value),
  );
}

function ruleNamed(id: string): SemgrepRule {
  const rule = rules.find((candidate) => candidate.id === id);
  assert.ok(rule, `no rule ${id}`);
  return rule;
}

/** Whether the rule's callee restriction accepts the given source text. */
function calleeAccepted(ruleId: string, callee: string): boolean {
  const [restriction] = metavariableRegexes(ruleNamed(ruleId));
  return new RegExp(restriction.regex).test(callee);
}

describe("Semgrep project rules", () => {
  it("cover the JWT and Express mistakes the project forbids, each as a blocking finding", () => {
    assert.deepEqual(rules.map((rule) => rule.id).sort(), [
      "shop-express-app-without-helmet",
      "shop-express-raw-request-data-in-response",
      "shop-jwt-decode-used-for-authorization",
      "shop-jwt-literal-secret",
      "shop-jwt-verify-without-algorithms",
    ]);
    for (const rule of rules) {
      assert.ok(rule.languages.includes("typescript"), `${rule.id} scans TypeScript`);
      assert.equal(rule.severity, "ERROR", `${rule.id} blocks the build under --error`);
      assert.ok(rule.message.length > 40, `${rule.id} tells the developer what to do`);
      assert.match(rule.metadata?.cwe ?? "", /^CWE-\d+: /, `${rule.id} names its CWE`);
      const matchers = ["pattern", "patterns", "pattern-either"].filter((key) => key in rule);
      if (rule.mode === "taint") {
        assert.ok(
          (rule["pattern-sources"] ?? []).length > 0 && (rule["pattern-sinks"] ?? []).length > 0,
          `${rule.id} has sources and sinks`,
        );
        assert.deepEqual(matchers, []);
      } else {
        assert.equal(matchers.length, 1, `${rule.id} has exactly one top-level matcher`);
      }
    }
  });

  it("each have a test file named after them, and no test file lacks its rule", () => {
    assert.deepEqual(testFiles, rules.map((rule) => `${rule.id}.ts`).sort());
  });

  for (const rule of rules) {
    it(`${rule.id}: its test marks at least one finding and one non-finding, for this rule only`, () => {
      const annotations = annotationsOf(`${rule.id}.ts`);
      assert.ok(
        annotations.some((a) => a.kind === "ruleid"),
        "a ruleid: line",
      );
      assert.ok(
        annotations.some((a) => a.kind === "ok"),
        "an ok: line",
      );
      for (const annotation of annotations) {
        // `semgrep --test` runs the whole config on the file: another rule's annotation would be a mismatch.
        assert.equal(annotation.ruleId, rule.id);
        assert.match(annotation.target, /\S/, "an annotation sits right above the code it is about");
        assert.doesNotMatch(
          annotation.target,
          /^\s*\/\//,
          "an annotation is followed by code, not another comment",
        );
      }
    });
  }

  it("restrict the JWT rules to jsonwebtoken's calls, however the module is imported", () => {
    for (const callee of ["jwt.verify", "jsonwebtoken.verify", "verify"]) {
      assert.ok(calleeAccepted("shop-jwt-verify-without-algorithms", callee), callee);
    }
    for (const callee of ["crypto.verify", "verifier.verify", "verifyPassword", "jwt.verifyAsync"]) {
      assert.ok(!calleeAccepted("shop-jwt-verify-without-algorithms", callee), callee);
    }
    for (const callee of ["jwt.sign", "sign", "jwt.verify", "verify"])
      assert.ok(calleeAccepted("shop-jwt-literal-secret", callee), callee);
    for (const callee of ["signer.sign", "crypto.sign", "assign"])
      assert.ok(!calleeAccepted("shop-jwt-literal-secret", callee), callee);
    assert.ok(calleeAccepted("shop-jwt-decode-used-for-authorization", "jwt"));
    assert.ok(
      !calleeAccepted("shop-jwt-decode-used-for-authorization", "cursorCodec"),
      "other decoders are not JWTs",
    );
  });

  it("are tested the way the build runs them, and the fixtures stay out of the scan", () => {
    const build = readRepoFile("buildspec/build.yml");
    assert.match(
      build,
      /for rule_test in \.semgrep\/tests\/\*\.ts; do semgrep --test --config \.semgrep\.yml "\$rule_test" \|\| exit 1; done/,
    );
    assert.match(build, /semgrep scan --config \.semgrep\.yml[^\n]*\n[^\n]*--exclude \.semgrep /);
  });
});
