/** 3. Bundle size: every JavaScript file `npm run bundle` emits for each Lambda (source maps and licences aside). */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { BenchEnvironment } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { single } from "../lib/stats";

const MIB = 1024 * 1024;

function filesOf(dir: string, pattern: RegExp): { file: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => pattern.test(file))
    .map((file) => ({ file, bytes: statSync(path.join(dir, file)).size }))
    .sort((a, b) => b.bytes - a.bytes);
}

export function bundleSize(env: BenchEnvironment): SectionResult {
  const started = performance.now();
  const javascript = /\.[cm]?js$/;
  const api = filesOf(path.join(env.taskRoot, "api"), javascript);
  const report = filesOf(path.join(env.taskRoot, "report"), javascript);
  // What else the handler loads at run time: the precomputed media types (scripts/bundle.ts).
  const apiData = filesOf(path.join(env.taskRoot, "api"), /\.json$/);
  const total = (files: { bytes: number }[]) => files.reduce((sum, f) => sum + f.bytes, 0) / MIB;
  return {
    title: "Bundle size",
    method:
      "`npm run bundle`, then the size of every emitted JavaScript file (.js, .mjs) under dist/api and dist/report, source maps and licence files excluded; " +
      "the API's chunks loaded on first use (dist/api/lazy/) count, and the second figure adds the JSON data file the handler reads at start. Deterministic: measured once.",
    figures: [
      figure({
        id: "bundle.apiMiB",
        label: "dist/api, all JavaScript",
        unit: "MiB",
        summary: single(total(api)),
        target: { comparison: "<=", value: 2 },
      }),
      figure({
        id: "bundle.apiWithDataMiB",
        label: "dist/api, JavaScript and the JSON data it loads",
        unit: "MiB",
        summary: single(total([...api, ...apiData])),
      }),
      figure({
        id: "bundle.reportMiB",
        label: "dist/report, all JavaScript",
        unit: "MiB",
        summary: single(total(report)),
      }),
    ],
    details: {
      api: [...api, ...apiData].map((f) => ({ ...f, kib: Math.round(f.bytes / 1024) })),
      report: report.map((f) => ({ ...f, kib: Math.round(f.bytes / 1024) })),
    },
    seconds: (performance.now() - started) / 1000,
  };
}
