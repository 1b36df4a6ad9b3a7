import assert from "node:assert/strict";
import { readRepoFile } from "./support/repo-files";
import { trivyIgnoreEntries, trivyIgnoreProblems } from "./support/scanner-config";

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
