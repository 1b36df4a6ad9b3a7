/**
 * `npm run bench`: measures the figures of issue 6 on this machine and writes bench/results.json and
 * bench/RESULTS.md (with bench/cold-start.svg). Self-contained: starts DynamoDB Local and s3rver, bundles the
 * Lambdas, and stops everything it started. `--only cold,warm,bundle,http,preview,report,soak` runs a
 * subset (for working on one figure, or `--only soak` for the minute-long soak alone); the sections it
 * does not run are carried over from the existing results.json, so a partial run replaces only its own.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { format } from "prettier";
import { startBenchEnvironment } from "./lib/environment";
import type { SectionResult } from "./lib/figures";
import { describeMachine, loadAverage } from "./lib/machine";
import { renderChart } from "./report/chart";
import { renderMarkdown, type BenchResults } from "./report/markdown";
import { bundleSize } from "./sections/bundle-size";
import { coldStart } from "./sections/cold-start";
import { httpThroughput } from "./sections/http-throughput";
import { policyAndPreview } from "./sections/policy-preview";
import { soak } from "./sections/soak";
import { warmOverhead } from "./sections/warm-overhead";
import { weeklyReport } from "./sections/weekly-report";

const SECTIONS = ["cold", "warm", "bundle", "http", "preview", "report", "soak"] as const;
type Section = (typeof SECTIONS)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: "string" } } });
  const only = new Set((values.only?.split(",") ?? SECTIONS) as Section[]);
  const unknown = [...only].filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown section(s) ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}`);

  const started = performance.now();
  const loadAtStart = loadAverage();
  const log = (message: string) =>
    console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
  log("bundling, starting DynamoDB Local and s3rver");
  const env = await startBenchEnvironment();
  // Ctrl-C: stop DynamoDB Local and s3rver before leaving (child processes are killed on exit by lib/processes).
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void env.stop().finally(() => process.exit(130)));
  }
  const sections: SectionResult[] = [];
  const run = async (name: Section, measure: () => Promise<SectionResult> | SectionResult) => {
    if (!only.has(name)) return;
    log(`${name}: measuring`);
    const result = await measure();
    sections.push(result);
    for (const f of result.figures) {
      const verdict = f.met === undefined ? "" : f.met ? "  (met)" : "  (MISSED)";
      log(`  ${f.label}: ${f.summary.median} ${f.unit}${verdict}`);
    }
  };
  try {
    await run("bundle", () => bundleSize(env));
    await run("cold", () => coldStart(env, 30));
    await run("warm", () => warmOverhead(env, { blocks: 5, blockSize: 300, healthBlockSize: 2000 }));
    await run("http", () => httpThroughput(env, { runs: 3, seconds: 5, connections: 10 }));
    await run("report", () => weeklyReport(env));
    await run("preview", () => policyAndPreview());
    await run("soak", () => soak(env, { seconds: 60, warmUpSeconds: 15, connections: 50 }));
  } finally {
    await env.stop();
  }

  const benchDir = __dirname;
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: describeMachine(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
    sections: mergedSections(path.join(benchDir, "results.json"), sections),
  };
  writeFileSync(path.join(benchDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const chart = renderChart(results);
  if (chart) writeFileSync(path.join(benchDir, "cold-start.svg"), chart);
  // Formatted like the rest of the repository, so `npm run format:check` stays clean.
  const markdown = await format(
    renderMarkdown(results, { chartFile: chart ? "cold-start.svg" : undefined }),
    { parser: "markdown", printWidth: 110, proseWrap: "preserve" },
  );
  writeFileSync(path.join(benchDir, "RESULTS.md"), markdown);
  log(`done in ${results.durationSeconds} s: bench/results.json, bench/RESULTS.md`);
}

/**
 * This run's sections, and those of the earlier run in results.json that it did not measure again (a
 * partial run keeps them), in the earlier run's order.
 */
function mergedSections(file: string, measured: readonly SectionResult[]): SectionResult[] {
  if (!existsSync(file)) return [...measured];
  const earlier = (JSON.parse(readFileSync(file, "utf8")) as BenchResults).sections;
  const byTitle = new Map(measured.map((section) => [section.title, section]));
  const merged = earlier.map((section) => byTitle.get(section.title) ?? section);
  const earlierTitles = new Set(earlier.map((section) => section.title));
  return [...merged, ...measured.filter((section) => !earlierTitles.has(section.title))];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
