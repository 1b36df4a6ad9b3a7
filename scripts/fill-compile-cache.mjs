/**
 * Fills the API's code caches at image build time (Dockerfile), and for the bench's task root:
 * `node scripts/fill-compile-cache.mjs <task root> <cache dir> [memory MB ...]`. It loads dist/api and every
 * chunk it may import later, answers one GET /health, and leaves in the cache directory, which the image
 * ships read-only and the Lambda finds through NODE_COMPILE_CACHE, two kinds of V8 code: Node's module
 * compile cache, for the lazy chunks, and the loader's cache of the API bundle, taken after that request and
 * so holding the functions it ran (app/entrypoints/code-cache.ts). Node keys each entry by the file's path
 * and contents, and V8 refuses code made by another V8 or under other V8 flags, so this runs where the files
 * will sit (/var/task), on the Node that will run them (the same base image), and once under this process's
 * own flags plus once per memory size given, under the flags the Lambda runtime starts Node with for it
 * (lambda-node-flags.mjs). Plain JavaScript: it runs on the image's Node, without tsx.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire, enableCompileCache } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lambdaNodeFlags } from "./lambda-node-flags.mjs";

const [taskRootArg, cacheDirArg, ...memorySizes] = process.argv.slice(2);
if (!taskRootArg || !cacheDirArg)
  throw new Error("usage: fill-compile-cache.mjs <task root> <cache dir> [memory MB ...]");
const [taskRoot, cacheDir] = [taskRootArg, cacheDirArg].map((arg) => path.resolve(arg));
// Each memory size in a process of its own, under the runtime's flags for it; the flags are checked first.
const runs = memorySizes.map((size) => [...lambdaNodeFlags(Number(size)), fileURLToPath(import.meta.url)]);
for (const run of runs) execFileSync(process.execPath, [...run, taskRoot, cacheDir], { stdio: "inherit" });
const enabled = enableCompileCache(cacheDir);
if (enabled.status !== 1 /* ENABLED */)
  throw new Error(`compile cache not enabled: ${JSON.stringify(enabled)}`);

// Loading the handler checks its configuration; nothing here reaches AWS, so placeholders do.
const placeholders = {
  AWS_REGION: "eu-west-1",
  JWT_SECRET: "compile-cache-placeholder-key-0123456789abcdef",
  JWT_ISSUER: "shop-api",
  JWT_AUDIENCE: "shop-api-clients",
  REPORTS_BUCKET: "placeholder",
  ...Object.fromEntries(
    [
      "USERS",
      "PRODUCTS",
      "ORDERS",
      "SESSIONS",
      "REFRESH_TOKENS",
      "ATTEMPT_COUNTERS",
      "TOKEN_REVOCATIONS",
      "IDEMPOTENCY",
    ].map((table) => [`${table}_TABLE`, "placeholder"]),
  ),
};
for (const [key, value] of Object.entries(placeholders)) process.env[key] ??= value;
process.env.POWERTOOLS_LOG_LEVEL = "SILENT";

async function main() {
  const api = path.join(taskRoot, "api");
  // Compiled from scratch: whatever cache a variable points at is not the one being made.
  delete process.env.NODE_COMPILE_CACHE;
  const { handler, writeCodeCache } = createRequire(import.meta.url)(path.join(api, "index.js"));
  const lazy = path.join(api, "lazy");
  for (const file of readdirSync(lazy).filter((name) => /\.m?js$/.test(name))) {
    await import(pathToFileURL(path.join(lazy, file)).href);
  }
  const health = await handler(
    {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/health",
      rawQueryString: "",
      headers: { host: "localhost" },
      requestContext: {
        http: { method: "GET", path: "/health", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
      },
      isBase64Encoded: false,
    },
    { awsRequestId: "compile-cache", getRemainingTimeInMillis: () => 30_000 },
  );
  if (health.statusCode !== 200) throw new Error(`GET /health answered ${health.statusCode}`);
  writeCodeCache(cacheDir);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
