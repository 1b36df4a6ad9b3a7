/** 3. Bundle size: every JavaScript file `npm run bundle` emits for each Lambda (source maps and licences aside). */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { BenchEnvironment } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { single } from "../lib/stats";

const MIB = 1024 * 1024;

function javascriptFiles(dir: string): { file: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js") || file.endsWith(".mjs") || file.endsWith(".cjs"))
    .map((file) => ({ file, bytes: statSync(path.join(dir, file)).size }))
    .sort((a, b) => b.bytes - a.bytes);
}

export function bundleSize(env: BenchEnvironment): SectionResult {
  const started = performance.now();
  const api = javascriptFiles(path.join(env.taskRoot, "api"));
  const report = javascriptFiles(path.join(env.taskRoot, "report"));
  const total = (files: { bytes: number }[]) => files.reduce((sum, f) => sum + f.bytes, 0) / MIB;
  return {
    title: "Bundle size",
    method:
      "`npm run bundle`, then the size of every emitted .js file under dist/api and dist/report (source maps and licence files excluded). Deterministic: measured once.",
    figures: [
      figure({
        id: "bundle.apiMiB",
        label: "dist/api, all JavaScript",
        unit: "MiB",
        summary: single(total(api)),
        target: { comparison: "<=", value: 2 },
      }),
      figure({
        id: "bundle.reportMiB",
        label: "dist/report, all JavaScript",
        unit: "MiB",
        summary: single(total(report)),
      }),
    ],
    details: {
      api: api.map((f) => ({ ...f, kib: Math.round(f.bytes / 1024) })),
      report: report.map((f) => ({ ...f, kib: Math.round(f.bytes / 1024) })),
    },
    seconds: (performance.now() - started) / 1000,
  };
}
