/**
 * `npm run lint:openapi`: Redocly's recommended rules over the document the API serves at /openapi.json,
 * generated from app/http/openapi.ts into a temporary file (nothing generated is committed, so the
 * linted document cannot be stale). Fails on any error and on any warning: Redocly itself exits 0 when
 * there are only warnings, so its totals decide.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildOpenApiDocument } from "../app/http/openapi";

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

const dir = mkdtempSync(path.join(tmpdir(), "shop-openapi-"));
try {
  const file = path.join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(buildOpenApiDocument(), null, 2));
  const redocly = path.resolve(__dirname, "..", "node_modules", ".bin", "redocly");
  const result = spawnSync(
    redocly,
    ["lint", "--extends", "recommended", "--max-problems", "1000", "--format", "json", file],
    {
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  const report = JSON.parse(result.stdout) as LintReport;
  for (const problem of report.problems) {
    console.log(`${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);
  }
  const { errors, warnings } = report.totals;
  console.log(`redocly lint --extends recommended: ${errors} error(s), ${warnings} warning(s)`);
  process.exitCode = errors + warnings === 0 && result.status === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
