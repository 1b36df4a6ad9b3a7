/**
 * 4. Local HTTP throughput: autocannon against the server `npm start` runs (app/entrypoints/local-server.ts
 * under tsx), pointed at the bench's DynamoDB Local and s3rver through the standard endpoint variables.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { BenchEnvironment } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { loadAverage } from "../lib/machine";
import { call, startLocalServer } from "../lib/local-server";
import { stop } from "../lib/processes";
import { summarize } from "../lib/stats";

const ADMIN = { email: "bench-admin@example.com", password: "bench admin password" };
const CUSTOMER = {
  email: "bench-customer@example.com",
  password: "bench customer password",
  name: "Bench Customer",
};
/** Orders go round these products, so concurrent orders rarely touch the same item (they would conflict and retry). */
const PRODUCT_COUNT = 50;

async function login(url: string, email: string, password: string): Promise<string> {
  return String((await call(`${url}/auth/login`, "POST", { email, password })).accessToken);
}

interface Run {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
}

function toRun(result: autocannon.Result): Run {
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    // Connection errors and timeouts, and every answer that is not 2xx.
    errors: result.errors + result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
    ),
  };
}

export async function httpThroughput(
  env: BenchEnvironment,
  options: { runs: number; seconds: number; connections: number },
): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-bench-server-"));
  const { url, server } = await startLocalServer(env, { dataDir, admin: ADMIN });
  try {
    const adminToken = await login(url, ADMIN.email, ADMIN.password);
    const productIds: string[] = [];
    for (let i = 0; i < PRODUCT_COUNT; i++) {
      const product = await call(
        `${url}/products`,
        "POST",
        { name: `Bench product ${i}`, priceCents: 500 + i, stock: 1_000_000, category: "bench" },
        adminToken,
      );
      productIds.push(String(product.id));
    }
    await call(`${url}/auth/register`, "POST", CUSTOMER).catch((error: unknown) => {
      if (!String(error).includes(" 409 ")) throw error;
    });
    const customerToken = await login(url, CUSTOMER.email, CUSTOMER.password);

    let nextProduct = 0;
    const scenarios = {
      listProducts: { url: `${url}/products` },
      placeOrder: {
        url,
        requests: [
          {
            method: "POST",
            path: "/orders",
            headers: { "content-type": "application/json", authorization: `Bearer ${customerToken}` },
            setupRequest: (request: autocannon.RequestSpec) => ({
              ...request,
              body: JSON.stringify({
                items: [{ productId: productIds[nextProduct++ % productIds.length], quantity: 1 }],
              }),
            }),
          },
        ],
      },
    };
    const runs: Record<keyof typeof scenarios, Run[]> = { listProducts: [], placeOrder: [] };
    for (const name of Object.keys(scenarios) as (keyof typeof scenarios)[]) {
      // One short unrecorded run warms the JIT, the connection pools and DynamoDB Local.
      await autocannon({ ...scenarios[name], connections: options.connections, duration: 1 });
      for (let i = 0; i < options.runs; i++) {
        runs[name].push(
          toRun(
            await autocannon({
              ...scenarios[name],
              connections: options.connections,
              duration: options.seconds,
            }),
          ),
        );
      }
    }

    const fig = (name: keyof typeof scenarios, label: string) => [
      figure({
        id: `http.${name}.requestsPerSecond`,
        label: `${label} requests/s`,
        unit: "req/s",
        summary: summarize(runs[name].map((r) => r.requestsPerSecond)),
      }),
      figure({
        id: `http.${name}.p50Ms`,
        label: `${label} latency p50`,
        unit: "ms",
        summary: summarize(runs[name].map((r) => r.p50Ms)),
      }),
      figure({
        id: `http.${name}.p99Ms`,
        label: `${label} latency p99`,
        unit: "ms",
        summary: summarize(runs[name].map((r) => r.p99Ms)),
      }),
      figure({
        id: `http.${name}.errors`,
        label: `${label} errors (non-2xx, connection errors, timeouts)`,
        unit: "",
        summary: summarize(runs[name].map((r) => r.errors)),
        target: { comparison: "<=", value: 0 },
      }),
    ];
    return {
      title: "Local HTTP throughput",
      method:
        `The \`npm start\` server (app/entrypoints/local-server.ts under tsx, one Node process, on the bench's DynamoDB Local and s3rver, audit logs on), ` +
        `autocannon in the bench process with ${options.connections} connections; a 1 s warm-up, then ${options.runs} runs of ${options.seconds} s per endpoint. ` +
        `\`POST /orders\` is one line of quantity 1, authenticated, going round ${PRODUCT_COUNT} products with ample stock. Every run also shares the 2 cores with DynamoDB Local.`,
      figures: [...fig("listProducts", "`GET /products`"), ...fig("placeOrder", "`POST /orders`")],
      details: { runs, loadAverage: { before: loadBefore, after: loadAverage() } },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
