/**
 * The cold-start chart (bench/cold-start.svg): per request, bare Node's start-up and the handler's init
 * stacked, with the end of the init budget marked. Plain SVG, so it renders anywhere Markdown shows images.
 */
import type { BenchResults } from "./markdown";

const WIDTH = 760;
const LABEL_WIDTH = 190;
const ROW_HEIGHT = 46;
const TOP = 44;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderChart(results: BenchResults): string | undefined {
  const figures = new Map(results.sections.flatMap((s) => s.figures).map((f) => [f.id, f]));
  const bare = figures.get("coldStart.bareNodeMs");
  const rows = [
    { label: "GET /health", init: figures.get("coldStart.healthInitMs") },
    { label: "GET /products/{id}", init: figures.get("coldStart.productInitMs") },
  ];
  if (!bare || rows.some((r) => !r.init)) return undefined;

  const bareMs = bare.summary.median;
  // Room on the right for the labels, which go after the whisker and the target mark.
  const extent =
    Math.max(...rows.map((r) => bareMs + Math.max(r.init!.summary.p75, r.init!.target?.value ?? 0))) * 1.3;
  const plotWidth = WIDTH - LABEL_WIDTH - 30;
  const x = (ms: number) => LABEL_WIDTH + (ms / extent) * plotWidth;
  const height = TOP + rows.length * ROW_HEIGHT + 56;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">Cold start of dist/api/index.js, median wall time (ms), ${escape(results.machine.cores + " cores, Node " + results.machine.nodeVersion)}</text>`,
  ];
  for (let tick = 0; tick <= extent * 0.97; tick += extent > 600 ? 100 : 50) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 6}" x2="${x(tick)}" y2="${TOP + rows.length * ROW_HEIGHT}" stroke="#e4e4e4"/>`,
      `<text x="${x(tick)}" y="${TOP + rows.length * ROW_HEIGHT + 16}" text-anchor="middle" fill="#555">${tick}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const init = row.init!;
    const y = TOP + i * ROW_HEIGHT;
    const initMs = init.summary.median;
    parts.push(
      `<text x="${LABEL_WIDTH - 10}" y="${y + 24}" text-anchor="end">${escape(row.label)}</text>`,
      `<rect x="${x(0)}" y="${y + 8}" width="${x(bareMs) - x(0)}" height="24" fill="#b8b8b8"><title>bare node -e 0: ${bareMs} ms</title></rect>`,
      `<rect x="${x(bareMs)}" y="${y + 8}" width="${x(bareMs + initMs) - x(bareMs)}" height="24" fill="${init.met === false ? "#d9534f" : "#3c8dbc"}"><title>init: ${initMs} ms</title></rect>`,
      // The interquartile range of init, as a whisker.
      `<line x1="${x(bareMs + init.summary.p25)}" y1="${y + 20}" x2="${x(bareMs + init.summary.p75)}" y2="${y + 20}" stroke="#222" stroke-width="1.5"/>`,
      `<text x="${x(bareMs + Math.max(init.summary.p75, init.target?.value ?? 0)) + 8}" y="${y + 25}" fill="#222">init ${initMs} ms</text>`,
    );
    if (init.target) {
      const limit = x(bareMs + init.target.value);
      parts.push(
        `<line x1="${limit}" y1="${y + 2}" x2="${limit}" y2="${y + 38}" stroke="#2e7d32" stroke-width="2" stroke-dasharray="4 3"/>`,
        `<text x="${limit}" y="${y + 2}" text-anchor="middle" font-size="11" fill="#2e7d32">target ${init.target.value}</text>`,
      );
    }
  });
  const legendY = TOP + rows.length * ROW_HEIGHT + 38;
  parts.push(
    `<rect x="${LABEL_WIDTH}" y="${legendY - 10}" width="12" height="12" fill="#b8b8b8"/><text x="${LABEL_WIDTH + 18}" y="${legendY}">bare node -e 0 (${bareMs} ms)</text>`,
    `<rect x="${LABEL_WIDTH + 210}" y="${legendY - 10}" width="12" height="12" fill="#3c8dbc"/><text x="${LABEL_WIDTH + 228}" y="${legendY}">init = cold - bare (bar: median, line: p25-p75)</text>`,
    `</svg>`,
  );
  return `${parts.join("\n")}\n`;
}
