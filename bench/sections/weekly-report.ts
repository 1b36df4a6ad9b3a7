/**
 * 6. The weekly report over 100,000 orders: the bundled report Lambda, in a child process, for a week of
 * 20,000 orders and a week of 2,000 in the same table, reading DynamoDB Local through a metering proxy.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tables } from "../../app/data/tables";
import { parseIsoWeek } from "../../app/domain/iso-week";
import { createTableInput } from "../../app/local/create-resources";
import type { BenchEnvironment } from "../lib/environment";
import { lambdaEnvironment } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { loadAverage } from "../lib/machine";
import { startMeteringProxy, type QueryMeter } from "../lib/dynamodb-meter";
import { parseResult, RESULT_PREFIX, runToExit } from "../lib/processes";
import { summarize } from "../lib/stats";

const ORDERS_TABLE = "bench-report-orders";
const BIG_WEEK = { week: "2025-W10", orders: 20_000 };
const SMALL_WEEK = { week: "2025-W11", orders: 2_000 };
/** The rest of the 100,000: 26 other weeks of 3,000 orders each. */
const OTHER_WEEKS = Array.from({ length: 26 }, (_, i) => ({
  week: `2025-W${String(12 + i).padStart(2, "0")}`,
  orders: 3_000,
}));
const TOTAL_ORDERS = [BIG_WEEK, SMALL_WEEK, ...OTHER_WEEKS].reduce((sum, w) => sum + w.orders, 0);
const PRODUCTS = Array.from({ length: 200 }, (_, i) => ({
  productId: randomUUID(),
  name: `Product ${i}`,
  unitPriceCents: 199 + i * 37,
}));

/** A small deterministic generator, so every run seeds the same shape of data. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Orders exactly as OrderRepository.place writes them: the order fields plus its ISO week. */
function* ordersOf(week: string, count: number, random: () => number): Generator<Record<string, unknown>> {
  const from = parseIsoWeek(week)!.from.getTime();
  const users = Array.from({ length: 500 }, () => randomUUID());
  for (let i = 0; i < count; i++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)];
      return { ...product, quantity: 1 + Math.floor(random() * 5) };
    });
    const unique = [...new Map(lines.map((line) => [line.productId, line])).values()];
    yield {
      orderId: randomUUID(),
      userId: users[Math.floor(random() * users.length)],
      items: unique.map((line) => ({
        productId: line.productId,
        name: line.name,
        quantity: line.quantity,
        unitPriceCents: line.unitPriceCents,
      })),
      totalCents: unique.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
      status: random() < 0.05 ? "CANCELLED" : "PLACED",
      createdAt: new Date(from + Math.floor(random() * 7 * 86_400_000)).toISOString(),
      week,
    };
  }
}

/** BatchWriteItem, 25 items a call, 16 calls in flight, unprocessed items retried. */
async function seed(client: DynamoDBDocumentClient): Promise<number> {
  const started = performance.now();
  const random = generator(2026);
  const all = [BIG_WEEK, SMALL_WEEK, ...OTHER_WEEKS].map((w) => ordersOf(w.week, w.orders, random));
  const source = (function* () {
    for (const week of all) yield* week;
  })();
  const nextBatch = (): Record<string, unknown>[] => {
    const batch: Record<string, unknown>[] = [];
    for (let item = source.next(); !item.done; item = source.next()) {
      batch.push({ PutRequest: { Item: item.value } });
      if (batch.length === 25) break;
    }
    return batch;
  };
  const worker = async () => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      let pending = batch;
      while (pending.length > 0) {
        const result = await client.send(
          new BatchWriteCommand({ RequestItems: { [ORDERS_TABLE]: pending } }),
        );
        pending = (result.UnprocessedItems?.[ORDERS_TABLE] as Record<string, unknown>[] | undefined) ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return (performance.now() - started) / 1000;
}

interface ReportRun {
  readonly loadMs: number;
  readonly reportMs: number;
  readonly orderCount: number;
  readonly maxRssKiB: number;
}

function reportScript(handlerFile: string, week: string): string {
  return `
const start = performance.now();
const { handler } = require(${JSON.stringify(handlerFile)});
const loaded = performance.now();
handler({ week: ${JSON.stringify(week)} }).then((report) => {
  const done = performance.now();
  console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ loadMs: loaded - start, reportMs: done - loaded, orderCount: report.orderCount, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}, (error) => { console.error(error); process.exit(1); });`;
}

export async function weeklyReport(
  env: BenchEnvironment,
  options: { runs: number } = { runs: 3 },
): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  const raw = new DynamoDBClient({});
  await raw.send(new CreateTableCommand(createTableInput(ORDERS_TABLE, tables.orders)));
  const client = DynamoDBDocumentClient.from(raw);
  const seedSeconds = await seed(client);
  const proxy = await startMeteringProxy(env.local.env.AWS_ENDPOINT_URL_DYNAMODB);
  const handlerFile = path.join(env.taskRoot, "report", "index.js");
  const childEnv = lambdaEnvironment(env, "report", {
    ORDERS_TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });

  const measured: Record<string, { runs: ReportRun[]; meters: QueryMeter[] }> = {};
  try {
    for (const week of [BIG_WEEK, SMALL_WEEK]) {
      measured[week.week] = { runs: [], meters: [] };
      for (let i = 0; i < options.runs; i++) {
        proxy.take();
        // Asynchronous: the report writes to the s3rver running in this process.
        const run = parseResult<ReportRun>(
          await runToExit(process.execPath, ["-e", reportScript(handlerFile, week.week)], {
            cwd: env.taskRoot,
            env: childEnv,
            timeoutMs: 300_000,
          }),
        );
        if (run.orderCount !== week.orders)
          throw new Error(
            `the report for ${week.week} counted ${run.orderCount} orders, expected ${week.orders}`,
          );
        measured[week.week].runs.push(run);
        measured[week.week].meters.push(proxy.take());
      }
    }
  } finally {
    await proxy.close();
    raw.destroy();
  }

  const figuresOf = (week: { week: string; orders: number }) => {
    const { runs, meters } = measured[week.week];
    const label = `${week.orders.toLocaleString("en-US")}-order week`;
    const id = `report.week${week.orders / 1000}k`;
    return [
      figure({
        id: `${id}.durationMs`,
        label: `${label}: duration (handler, after load)`,
        unit: "ms",
        summary: summarize(runs.map((r) => r.reportMs)),
      }),
      figure({
        id: `${id}.peakRssMiB`,
        label: `${label}: peak RSS of the process`,
        unit: "MiB",
        summary: summarize(runs.map((r) => r.maxRssKiB / 1024)),
        target: { comparison: "<=", value: 200 },
      }),
      figure({
        id: `${id}.queries`,
        label: `${label}: Query requests`,
        unit: "requests",
        summary: summarize(meters.map((m) => m.queries)),
      }),
      figure({
        id: `${id}.itemsRead`,
        label: `${label}: items read (ScannedCount)`,
        unit: "items",
        summary: summarize(meters.map((m) => m.itemsScanned)),
      }),
      figure({
        id: `${id}.itemsReadPerOrder`,
        label: `${label}: items read per order of the week`,
        unit: "x",
        summary: summarize(meters.map((m) => m.itemsScanned / week.orders)),
        target: { comparison: "<=", value: 1 },
      }),
      figure({
        id: `${id}.capacityUnits`,
        label: `${label}: read capacity consumed`,
        unit: "RCU",
        summary: summarize(meters.map((m) => m.capacityUnits)),
      }),
    ];
  };
  const capacity = (week: string) => summarize(measured[week].meters.map((m) => m.capacityUnits)).median;
  return {
    title: `Weekly report over ${TOTAL_ORDERS.toLocaleString("en-US")} orders`,
    method:
      `${TOTAL_ORDERS.toLocaleString("en-US")} orders seeded into one orders table with BatchWriteItem (the shape OrderRepository writes; 1-3 lines, 5% cancelled): ` +
      `${BIG_WEEK.orders.toLocaleString("en-US")} in ${BIG_WEEK.week}, ${SMALL_WEEK.orders.toLocaleString("en-US")} in ${SMALL_WEEK.week}, 3,000 in each of 26 other weeks (seeding took ${seedSeconds.toFixed(0)} s, not counted). ` +
      `dist/report/index.js runs in a fresh \`node\` per report (${options.runs} per week) with the report Lambda's environment; peak RSS is \`process.resourceUsage().maxRSS\` at the end. ` +
      "DynamoDB requests pass through a metering proxy that counts Query calls and items and asks DynamoDB Local for the consumed capacity.",
    figures: [
      ...figuresOf(BIG_WEEK),
      ...figuresOf(SMALL_WEEK),
      figure({
        id: "report.capacityRatio",
        label: `Read capacity, ${BIG_WEEK.orders.toLocaleString("en-US")}-order week / ${SMALL_WEEK.orders.toLocaleString("en-US")}-order week (orders ratio: ${BIG_WEEK.orders / SMALL_WEEK.orders})`,
        unit: "x",
        summary: summarize([capacity(BIG_WEEK.week) / capacity(SMALL_WEEK.week)]),
      }),
    ],
    details: {
      seedSeconds,
      totalOrders: TOTAL_ORDERS,
      measured,
      loadAverage: { before: loadBefore, after: loadAverage() },
    },
    seconds: (performance.now() - started) / 1000,
  };
}
