/** bench/RESULTS.md: every figure against its target, per section, with how it was measured. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Figure, SectionResult } from "../lib/figures";
import type { Machine } from "../lib/machine";

export interface BenchResults {
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly sections: readonly SectionResult[];
}

const number = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 4 });
const unit = (f: Figure) => (f.unit === "x" ? "x" : f.unit ? ` ${f.unit}` : "");
const value = (f: Figure, v: number) => `${number(v)}${unit(f)}`;
const verdict = (f: Figure) => (f.met === undefined ? "" : f.met ? "met" : "**missed**");
const target = (f: Figure) => (f.target ? `${f.target.comparison} ${number(f.target.value)}${unit(f)}` : "");
const spread = (f: Figure) => (f.summary.n > 1 ? `${number(f.summary.p25)} - ${number(f.summary.p75)}` : "");
const range = (f: Figure) => (f.summary.n > 1 ? `${number(f.summary.min)} - ${number(f.summary.max)}` : "");

function table(figures: readonly Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.label} | ${value(f, f.summary.median)} | ${spread(f)} | ${range(f)} | ${f.summary.n} | ${target(f)} | ${verdict(f)} |`,
  );
  return [
    "| Figure | Median | p25 - p75 | min - max | runs | Target | |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ...rows,
  ].join("\n");
}

export function renderMarkdown(results: BenchResults, options: { chartFile?: string }): string {
  const m = results.machine;
  const targeted = results.sections.flatMap((s) =>
    s.figures.filter((f) => f.target).map((f) => ({ section: s.title, f })),
  );
  const missed = targeted.filter(({ f }) => !f.met).length;
  const notes = readFileSync(path.join(__dirname, "optimisations.md"), "utf8").trim();
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` (bench/run.ts) on ${results.generatedAt.slice(0, 10)}; the run took ${results.durationSeconds} s. Raw figures: [results.json](results.json).`,
    "",
    `**Machine:** ${m.cpuModel}, ${m.cores} cores, ${Math.round(m.totalMemoryMiB / 1024)} GiB, Node ${m.nodeVersion}, ${m.platform}. ` +
      `Load average (1 min) ${results.loadAverage.start} at the start and ${results.loadAverage.end} at the end: the machine is shared with other work, ` +
      "so every figure is a median over repeated runs, with its quartiles and extremes.",
    "",
    `## Targets (${targeted.length - missed} of ${targeted.length} met)`,
    "",
    "| Figure | Median | Target | |",
    "| --- | ---: | --- | --- |",
    ...targeted.map(
      ({ f }) => `| ${f.label.trim()} | ${value(f, f.summary.median)} | ${target(f)} | ${verdict(f)} |`,
    ),
    "",
  ];
  results.sections.forEach((section, i) => {
    const load = section.details?.loadAverage as { before: number; after: number } | undefined;
    const loadNote = load
      ? ` Load average (1 min) ${load.before} before this section, ${load.after} after; it took ${Math.round(section.seconds)} s.`
      : "";
    lines.push(
      `## ${i + 1}. ${section.title}`,
      "",
      section.method + loadNote,
      "",
      table(section.figures),
      "",
    );
    if (options.chartFile && section.figures.some((f) => f.id.startsWith("coldStart."))) {
      lines.push(
        `![Cold start: bare Node and init per request, against the init targets](${options.chartFile})`,
        "",
      );
    }
  });
  lines.push(notes, "");
  return `${lines.join("\n")}`;
}
