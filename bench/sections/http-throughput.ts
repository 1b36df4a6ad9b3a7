/**
 * 4. Local HTTP throughput: autocannon against the server `npm start` runs (app/entrypoints/local-server.ts
 * under tsx), pointed at the bench's DynamoDB Local and s3rver through the standard endpoint variables.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { BenchEnvironment } from "../lib/environment";
import { figure, type SectionResult } from "../lib/figures";
import { loadAverage } from "../lib/machine";
import { stop, track } from "../lib/processes";
import { summarize } from "../lib/stats";

const ADMIN = { email: "bench-admin@example.com", password: "bench admin password" };
const CUSTOMER = {
  email: "bench-customer@example.com",
  password: "bench customer password",
  name: "Bench Customer",
};
/** Orders go round these products, so concurrent orders rarely touch the same item (they would conflict and retry). */
const PRODUCT_COUNT = 50;

async function startLocalServer(
  env: BenchEnvironment,
  dataDir: string,
): Promise<{ url: string; server: ChildProcess }> {
  const repositoryRoot = path.resolve(__dirname, "..", "..");
  const server = track(
    spawn(process.execPath, ["--import", "tsx", "app/entrypoints/local-server.ts"], {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        ...env.local.env,
        PORT: "0",
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  // Drained for the whole run: the server logs an audit line per order, and a full pipe would stall it.
  server.stdout
    ?.setEncoding("utf8")
    .on("data", (chunk: string) => (output = (output + chunk).slice(-20_000)));
  server.stderr
    ?.setEncoding("utf8")
    .on("data", (chunk: string) => (output = (output + chunk).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local server did not start:\n${output}`)), 60_000);
    server.stdout?.on("data", () => {
      const match = /listening on (http:\/\/(?:localhost|127\.0\.0\.1):\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.once("exit", (code) => reject(new Error(`the local server exited with ${code}:\n${output}`)));
  });
  return { url, server };
}

async function call(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

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
  const { url, server } = await startLocalServer(env, dataDir);
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
