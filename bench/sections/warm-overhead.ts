/**
 * 2. Warm overhead: the bundled handler's latency in process, against a raw GetCommand on the same table.
 * The ratio is what the app (serverless-http, Express, validation, mapping) adds to the one DynamoDB read.
 */
import path from "node:path";
import type { BenchEnvironment } from "../lib/environment";
import { BENCH_LAMBDA_MEMORY_MB, lambdaEnvironment, lambdaNodeArgs } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { loadAverage } from "../lib/machine";
import { parseResult, runToExit } from "../lib/processes";
import { percentile, summarize } from "../lib/stats";
import type { WarmLatencyConfig, WarmLatencyResult } from "../children/warm-latency";
import { BENCH_PRODUCT_ID, seedBenchProduct } from "./cold-start";

export async function warmOverhead(
  env: BenchEnvironment,
  options: { blocks: number; blockSize: number; healthBlockSize: number },
): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  await seedBenchProduct(env.local.env.PRODUCTS_TABLE);
  const config: WarmLatencyConfig = {
    handlerFile: path.join(env.taskRoot, "api", "index.js"),
    floorFile: path.join(env.taskRoot, "floor", "index.js"),
    expressFloorFile: path.join(env.taskRoot, "express-floor", "index.js"),
    productsTable: env.local.env.PRODUCTS_TABLE,
    productId: BENCH_PRODUCT_ID,
    warmup: 300,
    ...options,
  };
  const repositoryRoot = path.resolve(__dirname, "..", "..");
  const finished = await runToExit(
    process.execPath,
    [...lambdaNodeArgs, "--import", "tsx", path.join(__dirname, "..", "children", "warm-latency.ts")],
    {
      cwd: repositoryRoot,
      env: lambdaEnvironment(env, "api", {
        BENCH_CONFIG: JSON.stringify(config),
        POWERTOOLS_LOG_LEVEL: "WARN",
      }),
      timeoutMs: 300_000,
    },
  );
  const blocks = parseResult<WarmLatencyResult>(finished);

  // Each block is one run: its p50/p99 are figures, and the spread is across blocks.
  const perBlock = (name: keyof WarmLatencyResult, p: number) =>
    blocks[name].map((samples) => percentile(samples, p));
  /** Per block, `name`'s p50 over `base`'s p50. */
  const p50Ratio = (name: keyof WarmLatencyResult, base: keyof WarmLatencyResult) =>
    blocks[name].map((samples, i) => percentile(samples, 50) / percentile(blocks[base][i], 50));
  const ratios = p50Ratio("product", "rawGet");
  const overFloor = p50Ratio("product", "floor");
  // Split of the ratio over the floor: what Express and serverless-http cost by themselves, and what ours adds.
  const frameworkOverFloor = p50Ratio("expressFloor", "floor");
  const productOverFramework = p50Ratio("product", "expressFloor");
  const overheads = blocks.product.map(
    (samples, i) => percentile(samples, 50) - percentile(blocks.rawGet[i], 50),
  );
  return {
    title: "Warm overhead (in-process handler latency)",
    method:
      "A child process loads dist/api/index.js and calls its handler with API Gateway v2 events, no HTTP in between: `GET /health` on its own, then `GET /products/{id}` " +
      `interleaved with a raw \`GetCommand\` for the same item through the child's own DocumentClient and with the floor handler (bench/floor: one \`GetCommand\` through lib-dynamodb, the item as JSON, bundled like ours) and the framework floor (bench/floor/express-handler.ts: the same call behind Express 5 and serverless-http, one route, nothing of ours) answering the same event; ${config.warmup} warm-up calls each, then ${options.blocks} runs of ${options.healthBlockSize} \`/health\` calls and of ${options.blockSize} rounds of the four. ` +
      `The child runs with the flags the Lambda runtime gives a ${BENCH_LAMBDA_MEMORY_MB} MB function (${lambdaNodeArgs.join(" ")}). ` +
      "Each figure is the median over the runs of that run's percentile; the spread is across runs.",
    figures: [
      figure({
        id: "warm.healthP50Ms",
        label: "`GET /health` p50",
        unit: "ms",
        summary: summarize(perBlock("health", 50)),
        target: { comparison: "<=", value: 0.15 },
      }),
      figure({
        id: "warm.healthP99Ms",
        label: "`GET /health` p99",
        unit: "ms",
        summary: summarize(perBlock("health", 99)),
      }),
      figure({
        id: "warm.productP50Ms",
        label: "`GET /products/{id}` p50",
        unit: "ms",
        summary: summarize(perBlock("product", 50)),
      }),
      figure({
        id: "warm.productP99Ms",
        label: "`GET /products/{id}` p99",
        unit: "ms",
        summary: summarize(perBlock("product", 99)),
      }),
      figure({
        id: "warm.rawGetP50Ms",
        label: "Raw `GetCommand` p50",
        unit: "ms",
        summary: summarize(perBlock("rawGet", 50)),
      }),
      figure({
        id: "warm.rawGetP99Ms",
        label: "Raw `GetCommand` p99",
        unit: "ms",
        summary: summarize(perBlock("rawGet", 99)),
      }),
      figure({
        id: "warm.productOverRawRatio",
        label: "`GET /products/{id}` p50 / raw `GetCommand` p50",
        unit: "x",
        summary: summarize(ratios),
        target: { comparison: "<=", value: 1.3 },
      }),
      figure({
        id: "warm.floorP50Ms",
        label: "Floor handler `GET /products/{id}` p50",
        unit: "ms",
        summary: summarize(perBlock("floor", 50)),
      }),
      figure({
        id: "warm.productOverFloorP50",
        label: "`GET /products/{id}` p50 / floor handler p50",
        unit: "x",
        summary: summarize(overFloor),
        target: { comparison: "<=", value: 1.15 },
      }),
      figure({
        id: "warm.expressFloorP50Ms",
        label: "Framework floor (Express + serverless-http, the same `GetCommand`) p50",
        unit: "ms",
        summary: summarize(perBlock("expressFloor", 50)),
      }),
      figure({
        id: "warm.expressFloorOverFloorP50",
        label: "Framework floor p50 / floor handler p50 (what Express and serverless-http cost)",
        unit: "x",
        summary: summarize(frameworkOverFloor),
      }),
      figure({
        id: "warm.productOverExpressFloorP50",
        label: "`GET /products/{id}` p50 / framework floor p50 (what our layers cost)",
        unit: "x",
        summary: summarize(productOverFramework),
      }),
      figure({
        id: "warm.productOverheadMs",
        label: "`GET /products/{id}` p50 - raw `GetCommand` p50",
        unit: "ms",
        summary: summarize(overheads),
      }),
    ],
    details: { loadAverage: { before: loadBefore, after: loadAverage() } },
    seconds: (performance.now() - started) / 1000,
  };
}
