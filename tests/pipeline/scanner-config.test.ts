import assert from "node:assert/strict";
import { readRepoFile } from "./support/repo-files";
import { tomlStrings, tomlTables, trivyIgnoreEntries, trivyIgnoreProblems } from "./support/scanner-config";

describe(".trivyignore", () => {
  it("gives every ignored finding a reason and an expiry date", () => {
    assert.deepEqual(trivyIgnoreProblems(readRepoFile(".trivyignore")), []);
  });

  it("is checked strictly enough to catch an entry without a reason, without an expiry or with a bad date", () => {
    const text = [
      "# reason: no fix released; the vulnerable parser is not reachable from the API",
      "CVE-2025-0001 exp:2026-06-30",
      "CVE-2025-0002 exp:2026-06-30",
      "# reason: accepted until the base image moves to the next minor",
      "CVE-2025-0003",
      "# reason: typo in the date",
      "CVE-2025-0004 exp:2026-13-45",
    ].join("\n");
    assert.deepEqual(
      trivyIgnoreEntries(text).map((entry) => entry.id),
      ["CVE-2025-0001", "CVE-2025-0002", "CVE-2025-0003", "CVE-2025-0004"],
    );
    assert.deepEqual(trivyIgnoreProblems(text), [
      'line 3 (CVE-2025-0002) has no "# reason: ..." comment right above it',
      "line 5 (CVE-2025-0003) has no exp:YYYY-MM-DD expiry",
      'line 7 (CVE-2025-0004) expires on "2026-13-45", which is not a date',
    ]);
  });
});

describe(".gitleaks.toml", () => {
  const tables = tomlTables(readRepoFile(".gitleaks.toml"));
  const allowlists = tables.filter((table) => table.name === "allowlists");

  it("extends the default rule set and adds no rules of its own", () => {
    assert.equal(tables.find((table) => table.name === "extend")?.values.useDefault, "true");
    assert.deepEqual(
      tables.filter((table) => table.name === "rules" || table.name === "allowlist"),
      [],
    );
    assert.deepEqual(
      tables.find((table) => table.name === "extend")?.values.disabledRules,
      undefined,
      "no default rule is disabled",
    );
  });

  it("allowlists by path only, each list with a description", () => {
    assert.ok(allowlists.length > 0);
    for (const allowlist of allowlists) {
      assert.deepEqual(
        Object.keys(allowlist.values).sort(),
        ["description", "paths"],
        "no regexes, stopwords, commits or targets",
      );
      assert.ok(tomlStrings(allowlist.values.description)[0].length > 0);
    }
  });

  it("allowlists only test fixtures: Semgrep rule tests and tests/**/fixtures/", () => {
    const paths = allowlists.flatMap((allowlist) => tomlStrings(allowlist.values.paths));
    const allowed = (file: string) => paths.some((pattern) => new RegExp(pattern).test(file));
    for (const fixture of [
      ".semgrep/tests/shop-jwt-literal-secret.ts",
      "tests/app/fixtures/tokens.json",
      "tests/fixtures/key.pem",
    ]) {
      assert.ok(allowed(fixture), `${fixture} should be allowlisted`);
    }
    for (const source of [
      "app/services/token-service.ts",
      "app/fixtures/seed.json",
      "components/jwt-signing-key/index.ts",
      "index.ts",
      "Pulumi.prod.yaml",
      "buildspec/deploy.yml",
      "tests/app/auth.test.ts",
      "tests/support/local-aws.ts",
      ".semgrep.yml",
      ".semgrep/tests/nested/other.ts",
      "src/tests/fixtures-like.ts",
    ]) {
      assert.ok(!allowed(source), `${source} must stay scanned`);
    }
  });
});
