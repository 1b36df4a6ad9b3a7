import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { tables } from "../../app/data/tables";
import { bundle } from "../../scripts/bundle";
import { lambdaNodeFlags } from "../../scripts/lambda-node-flags.mjs";
import { createTestContext, type TestContext } from "../support/local-aws";

/** The Lambda bundles, loaded the way the Lambda runtime loads them: plain Node, no TypeScript, no node_modules. */
describe("Lambda bundles (npm run bundle)", function () {
  this.timeout(60_000);
  let context: TestContext;

  before(async () => {
    context = await createTestContext();
    await bundle();
  });

  // Asynchronous on purpose: s3rver runs inside this process and must keep answering meanwhile.
  async function invokeInFreshNode(
    file: string,
    event: unknown,
  ): Promise<{ statusCode?: number; body?: string; week?: string }> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_PATH: "",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    for (const [key, table] of Object.entries(tables))
      env[table.envVar] = context.config.tableNames[key as keyof typeof tables];
    const script = `require(${JSON.stringify(file)}).handler(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r), () => process.exit(0)))`;
    // exit only once stdout is flushed: a pipe is asynchronous and a large response would be cut short.
    // Run from an empty directory, so nothing can be resolved from node_modules: the bundle must be self-contained.
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
      env,
      cwd: path.parse(process.cwd()).root,
      timeout: 20_000,
    });
    return JSON.parse(stdout);
  }

  const httpEvent = (rawPath: string) => ({
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: "",
    headers: { host: "api.example.com" },
    requestContext: {
      http: { method: "GET", path: rawPath, sourceIp: "198.51.100.1" },
      requestId: "r1",
      stage: "$default",
    },
    isBase64Encoded: false,
  });

  it("dist/api serves /health, a DynamoDB-backed list and the docs assets", async () => {
    const root = path.resolve("dist");
    const health = await invokeInFreshNode(path.join(root, "api/index.js"), httpEvent("/health"));
    assert.equal(health.statusCode, 200);
    const products = await invokeInFreshNode(path.join(root, "api/index.js"), httpEvent("/products"));
    assert.equal(products.statusCode, 200, products.body);
    assert.deepEqual(JSON.parse(products.body!), { items: [], nextCursor: null });
    const css = await invokeInFreshNode(path.join(root, "api/index.js"), httpEvent("/docs/swagger-ui.css"));
    assert.equal(css.statusCode, 200);
  });

  it("dist/api starts from the code caches the image build fills, one per memory size (scripts/fill-compile-cache.mjs)", async () => {
    const taskRoot = mkdtempSync(path.join(os.tmpdir(), "shop-task-root-"));
    try {
      cpSync(path.resolve("dist/api"), path.join(taskRoot, "api"), { recursive: true });
      const cacheDir = path.join(taskRoot, "compile-cache");
      // As in the image build: none of this process's configuration; the script supplies placeholders.
      await promisify(execFile)(
        process.execPath,
        [path.resolve("scripts/fill-compile-cache.mjs"), taskRoot, cacheDir, "512"],
        { env: { PATH: process.env.PATH } },
      );
      const coldStart = async (nodeArgs: string[]) => {
        const script = `const api = require(${JSON.stringify(path.join(taskRoot, "api/index.js"))}); api.handler(${JSON.stringify(httpEvent("/health"))}, {}).then((r) => console.log(JSON.stringify({ status: api.codeCacheStatus, statusCode: r.statusCode })))`;
        const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, "-e", script], {
          env: {
            ...process.env,
            NODE_OPTIONS: "",
            NODE_COMPILE_CACHE: cacheDir,
            POWERTOOLS_LOG_LEVEL: "SILENT",
          },
          cwd: taskRoot,
        });
        return JSON.parse(stdout) as { status: string; statusCode: number };
      };
      // The Lambda runtime's flags for a 512 MB function, and none (local runs, this bench and tests).
      assert.deepEqual(await coldStart(lambdaNodeFlags(512)), { status: "accepted", statusCode: 200 });
      assert.deepEqual(await coldStart([]), { status: "accepted", statusCode: 200 });
      // A memory size the image was not built for still answers, from a compile of its own.
      assert.deepEqual(await coldStart(lambdaNodeFlags(1024)), { status: "unmatched", statusCode: 200 });
    } finally {
      rmSync(taskRoot, { recursive: true, force: true });
    }
  });

  it("dist/report writes a report", async () => {
    const report = await invokeInFreshNode(path.resolve("dist/report/index.js"), { week: "2029-W05" });
    assert.equal(report.week, "2029-W05");
  });
});
