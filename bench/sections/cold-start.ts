/**
 * 1. Cold start of the bundled API handler, in fresh Node processes started the way the Lambda runtime
 * loads it: `node` with the runtime's flags, the bundle from a task root, the Lambda's environment (source
 * maps on). A handler that reports it did not use its code cache fails the section, as a figure measured
 * without it would not be the image's.
 */
import path from "node:path";
import { documentClient } from "../../app/aws/clients";
import { ProductRepository } from "../../app/repositories/product-repository";
import type { BenchEnvironment } from "../lib/environment";
import { BENCH_LAMBDA_MEMORY_MB, lambdaEnvironment, lambdaNodeArgs } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { httpApiEvent, lambdaContext } from "../lib/lambda-events";
import { loadAverage } from "../lib/machine";
import { parseResult, RESULT_PREFIX, runToExit } from "../lib/processes";
import { summarize } from "../lib/stats";

export const BENCH_PRODUCT_ID = "0b7e3c52-4a8f-4d3e-9b1a-5c6d7e8f9a01";

interface ChildTimings {
  /** From process start (performance.timeOrigin) to the first line of the script: Node's own boot. */
  readonly bootMs: number;
  readonly loadMs: number;
  readonly firstRequestMs: number;
  readonly cpuMs: number;
}

/** Loads the handler, answers one event, prints its own timings and exits at once (like a frozen sandbox). */
function coldScript(handlerFile: string, rawPath: string): string {
  return `
const start = performance.now();
const { handler, codeCacheStatus } = require(${JSON.stringify(handlerFile)});
const loaded = performance.now();
if (codeCacheStatus !== undefined && codeCacheStatus !== "accepted") { console.error("code cache: " + codeCacheStatus); process.exit(1); }
handler(${JSON.stringify(httpApiEvent("GET", rawPath))}, ${JSON.stringify(lambdaContext)}).then((response) => {
  const answered = performance.now();
  if (response.statusCode !== 200) { console.error(JSON.stringify(response)); process.exit(1); }
  const cpu = process.cpuUsage();
  console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ bootMs: start, loadMs: loaded - start, firstRequestMs: answered - loaded, cpuMs: (cpu.user + cpu.system) / 1000 }));
  process.exit(0);
}, (error) => { console.error(error); process.exit(1); });`;
}

export async function seedBenchProduct(productsTable: string): Promise<void> {
  const at = "2026-01-05T09:00:00.000Z";
  await new ProductRepository(documentClient, productsTable)
    .create({
      id: BENCH_PRODUCT_ID,
      name: "Bench widget",
      description: "The product the benchmarks read",
      priceCents: 1999,
      stock: 1000,
      category: "bench",
      createdAt: at,
      updatedAt: at,
    })
    .catch((error: unknown) => {
      if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    });
}

export async function coldStart(env: BenchEnvironment, rounds: number): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  await seedBenchProduct(env.local.env.PRODUCTS_TABLE);
  const handlerFile = path.join(env.taskRoot, "api", "index.js");
  const childEnv = lambdaEnvironment(env, "api");
  // The compile cache is part of our image, not of the floor's. The floor runs without one: pointed at ours, a
  // bench run as root (who writes through the read-only bits) would fill it with the floor's code after one start.
  const floorEnv = Object.fromEntries(
    Object.entries(childEnv).filter(([key]) => key !== "NODE_COMPILE_CACHE"),
  );
  const variants = {
    bare: ["-e", "0"],
    health: ["-e", coldScript(handlerFile, "/health")],
    product: ["-e", coldScript(handlerFile, `/products/${BENCH_PRODUCT_ID}`)],
    floor: ["-e", coldScript(path.join(env.taskRoot, "floor", "index.js"), `/products/${BENCH_PRODUCT_ID}`)],
  } as const;
  type Variant = keyof typeof variants;
  const names = Object.keys(variants) as Variant[];
  const wall: Record<Variant, number[]> = { bare: [], health: [], product: [], floor: [] };
  const inside: Record<Exclude<Variant, "bare">, ChildTimings[]> = { health: [], product: [], floor: [] };

  // Interleaved, and rotated each round, so that a burst of load from elsewhere hits every variant alike.
  for (let round = -1; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + Math.max(round, 0)) % names.length];
      const finished = await runToExit(process.execPath, [...lambdaNodeArgs, ...variants[name]], {
        cwd: env.taskRoot,
        env: name === "floor" ? floorEnv : childEnv,
        timeoutMs: 30_000,
      });
      if (name !== "bare") {
        const timings = parseResult<ChildTimings>(finished);
        if (round >= 0) inside[name].push(timings);
      } else if (finished.code !== 0) {
        throw new Error(`node -e 0 failed: ${finished.stderr}`);
      }
      // Round -1 warms the file cache and DynamoDB Local; it is not recorded.
      if (round >= 0) wall[name].push(finished.wallMs);
    }
  }

  const paired = (name: "health" | "product") => wall[name].map((ms, i) => ms - wall.bare[i]);
  const insideSummary = (name: "health" | "product", key: keyof ChildTimings) =>
    summarize(inside[name].map((t) => t[key]));
  // Node start to the first response, as the child sees it: boot, loading the handler, the first request.
  const toFirstResponse = (t: ChildTimings) => t.bootMs + t.loadMs + t.firstRequestMs;
  const overFloor = inside.product.map((t, i) => toFirstResponse(t) / toFirstResponse(inside.floor[i]));
  return {
    title: "Cold start of the bundled API handler",
    method:
      `${rounds} rounds; each round spawns \`node -e 0\`, then \`node -e\` scripts that \`require\` dist/api/index.js from a copy of the image's task root and answer one API Gateway v2 event, in rotating order. ` +
      "Wall time is measured by the parent from spawn to exit; init is each round's cold run minus that round's bare run. " +
      "The floor handler (bench/floor/handler.ts: one DynamoDB client, one `GetCommand` through lib-dynamodb, the item as JSON; bundled by esbuild with our options) answers the same `/products/{id}` in the same rotation; node start to first response is the child's boot (performance.now() at its first line) plus loading and the first request, and its ratio is taken within each round. " +
      `Every child, the bare one and the floor's included, runs with the flags the Lambda runtime gives a ${BENCH_LAMBDA_MEMORY_MB} MB function (${lambdaNodeArgs.join(" ")}) and the Lambda's environment (NODE_OPTIONS=--enable-source-maps, LOG_LEVEL=INFO), and exits as soon as it has answered; ours starts from the code caches filled for those flags (NODE_COMPILE_CACHE; the section fails if the handler reports it compiled without them), the floor without a cache.`,
    figures: [
      figure({
        id: "coldStart.bareNodeMs",
        label: "Bare `node -e 0` (wall)",
        unit: "ms",
        summary: summarize(wall.bare),
      }),
      figure({
        id: "coldStart.healthColdMs",
        label: "Import + first `GET /health` (wall)",
        unit: "ms",
        summary: summarize(wall.health),
      }),
      figure({
        id: "coldStart.healthInitMs",
        label: "Init for `GET /health` (cold - bare)",
        unit: "ms",
        summary: summarize(paired("health")),
        target: { comparison: "<=", value: 100 },
      }),
      figure({
        id: "coldStart.productColdMs",
        label: "Import + first `GET /products/{id}` (wall)",
        unit: "ms",
        summary: summarize(wall.product),
      }),
      figure({
        id: "coldStart.productInitMs",
        label: "Init for `GET /products/{id}` from DynamoDB Local (cold - bare)",
        unit: "ms",
        summary: summarize(paired("product")),
        target: { comparison: "<=", value: 200 },
      }),
      figure({
        id: "coldStart.healthLoadMs",
        label: "`/health` cold start: `require` of the bundle (in the child)",
        unit: "ms",
        summary: insideSummary("health", "loadMs"),
      }),
      figure({
        id: "coldStart.healthFirstRequestMs",
        label: "`/health` cold start: the first request (in the child)",
        unit: "ms",
        summary: insideSummary("health", "firstRequestMs"),
      }),
      figure({
        id: "coldStart.productFirstRequestMs",
        label: "`/products/{id}` cold start: the first request, SDK load included (in the child)",
        unit: "ms",
        summary: insideSummary("product", "firstRequestMs"),
      }),
      figure({
        id: "coldStart.productToFirstResponseMs",
        label: "`/products/{id}`: node start to first response (in the child)",
        unit: "ms",
        summary: summarize(inside.product.map(toFirstResponse)),
      }),
      figure({
        id: "coldStart.floorToFirstResponseMs",
        label: "Floor handler (one `GetCommand`, JSON): node start to first response (in the child)",
        unit: "ms",
        summary: summarize(inside.floor.map(toFirstResponse)),
      }),
      figure({
        id: "coldStart.productOverFloor",
        label: "`/products/{id}` / floor handler, node start to first response (per round)",
        unit: "x",
        summary: summarize(overFloor),
        target: { comparison: "<=", value: 1.25 },
      }),
    ],
    details: {
      nodeBootMsInChild: summarize(inside.health.map((t) => t.bootMs)),
      cpuMs: { health: insideSummary("health", "cpuMs"), product: insideSummary("product", "cpuMs") },
      loadAverage: { before: loadBefore, after: loadAverage() },
    },
    seconds: (performance.now() - started) / 1000,
  };
}
