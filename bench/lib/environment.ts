/**
 * What the benchmarks run against: one DynamoDB Local and one s3rver (started in this process by the
 * app's own local environment), the bench's tables, and the Lambda bundles copied into a task root.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startLocalEnvironment, type LocalEnvironment } from "../../app/local/local-environment";
import { apiMemorySizes } from "../../scripts/api-memory-sizes.mjs";
import { bundle } from "../../scripts/bundle";
import { lambdaNodeFlags } from "../../scripts/lambda-node-flags.mjs";
import { bundleFloorHandler } from "../floor/build";

export const TABLE_PREFIX = "bench";
export const REPORTS_BUCKET = "bench-reports";

export interface BenchEnvironment {
  readonly local: LocalEnvironment;
  readonly dataDir: string;
  /** A copy of dist/ laid out like the Lambda image's /var/task. */
  readonly taskRoot: string;
  stop(): Promise<void>;
}

/**
 * Bundles the Lambdas (`npm run bundle`) and copies the result into a private task root, so a concurrent
 * `npm run bundle` (the bundle test runs one) cannot change or delete the files while they are measured.
 */
export async function bundleIntoTaskRoot(): Promise<string> {
  const root = path.resolve(__dirname, "..", "..");
  await bundle();
  const taskRoot = mkdtempSync(path.join(os.tmpdir(), "shop-bench-task-"));
  for (const dir of ["api", "report", "swagger-ui"]) {
    cpSync(path.join(root, "dist", dir), path.join(taskRoot, dir), { recursive: true });
  }
  // The floor handler our API is compared with, beside it in the same task root.
  await bundleFloorHandler(path.join(taskRoot, "floor"));
  // And the same call behind Express and serverless-http alone (the warm section's framework floor).
  await bundleFloorHandler(path.join(taskRoot, "express-floor"), "express-handler.ts");
  // The compile cache the image ships (Dockerfile), filled the same way and read-only like /var/task.
  const cache = compileCacheDir(taskRoot);
  // For the flags the bench's API processes run with (lambdaNodeArgs), as the image does per memory size.
  const fill = path.join(root, "scripts", "fill-compile-cache.mjs");
  execFileSync(process.execPath, [fill, taskRoot, cache, String(BENCH_LAMBDA_MEMORY_MB)], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  setWritable(cache, false);
  return taskRoot;
}

/** The memory size the bench's API processes stand for: the smallest any stack gives the API (dev's). */
export const BENCH_LAMBDA_MEMORY_MB = Math.min(...apiMemorySizes());

/**
 * The flags the Lambda runtime starts Node with for that size (scripts/lambda-node-flags.mjs): every API
 * process the bench starts, ours and the floors, runs with them.
 */
export const lambdaNodeArgs: readonly string[] = lambdaNodeFlags(BENCH_LAMBDA_MEMORY_MB);

/** Where the task root keeps the API's compile cache, as ${LAMBDA_TASK_ROOT}/compile-cache in the image. */
export function compileCacheDir(taskRoot: string): string {
  return path.join(taskRoot, "compile-cache");
}

function setWritable(dir: string, writable: boolean): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    chmodSync(file, entry.isDirectory() ? (writable ? 0o755 : 0o555) : writable ? 0o644 : 0o444);
  }
  chmodSync(dir, writable ? 0o755 : 0o555);
}

export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  // The SDK warns once per process that its future releases need Node 22; the Lambda runs 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-bench-data-"));
  const taskRoot = await bundleIntoTaskRoot();
  const local = await startLocalEnvironment({
    dataDir,
    persistent: false,
    tablePrefix: TABLE_PREFIX,
    bucket: REPORTS_BUCKET,
  });
  return {
    local,
    dataDir,
    taskRoot,
    async stop() {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      setWritable(compileCacheDir(taskRoot), true);
      rmSync(taskRoot, { recursive: true, force: true });
    },
  };
}

/**
 * The environment each Lambda gets from the infrastructure (components/api-service, components/weekly-report),
 * pointed at the local services. Built from scratch, not inherited, so nothing of the bench's own process
 * (tsx's loader, NODE_PATH) leaks into a measurement. For the API, JWT_SECRET stands in for JWT_SECRET_ARN:
 * there is no Secrets Manager here, and no measured request needs the key.
 */
/** A signing key for the bench's runs only, made fresh for each: nothing signed with it outlives the bench. */
const benchSigningKey = randomBytes(32).toString("base64url");

export function lambdaEnvironment(
  env: BenchEnvironment,
  lambda: "api" | "report",
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const local = env.local.env;
  const runtime = {
    PATH: process.env.PATH,
    HOME: env.taskRoot,
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    AWS_REGION: local.AWS_REGION,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL_DYNAMODB: local.AWS_ENDPOINT_URL_DYNAMODB,
    AWS_ENDPOINT_URL_S3: local.AWS_ENDPOINT_URL_S3,
    // The SDK warns on Node 20 that its future releases need 22; the Lambda runs 22 and never prints it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const tableNames = Object.fromEntries(Object.entries(local).filter(([key]) => key.endsWith("_TABLE")));
  if (lambda === "report") {
    return {
      ...runtime,
      ORDERS_TABLE: tableNames.ORDERS_TABLE,
      PRODUCTS_TABLE: tableNames.PRODUCTS_TABLE,
      REPORTS_BUCKET: local.REPORTS_BUCKET,
      POWERTOOLS_SERVICE_NAME: "shop-report",
      LOG_LEVEL: "INFO",
      ...extra,
    };
  }
  return {
    ...runtime,
    ...tableNames,
    // The local environment now keeps a rotating key set on disk (issue 16); the Lambda reads one key.
    JWT_SECRET: local.JWT_SECRET ?? benchSigningKey,
    JWT_ISSUER: "shop-api",
    JWT_AUDIENCE: "shop-api-clients",
    REPORTS_BUCKET: local.REPORTS_BUCKET,
    POWERTOOLS_SERVICE_NAME: "shop-api",
    LOG_LEVEL: "INFO",
    NODE_OPTIONS: "--enable-source-maps",
    // The image's ENV (Dockerfile). The cold-start section runs the floor handler without it.
    NODE_COMPILE_CACHE: compileCacheDir(env.taskRoot),
    ...extra,
  };
}
