import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOpenApiDocument } from "../../app/http/openapi";

/**
 * The API against its own OpenAPI document, judged by Schemathesis: the server `npm start` runs (fresh data
 * dir, a free port, the admin from ADMIN_EMAIL/ADMIN_PASSWORD), every default check, at least 100 examples
 * per operation, as a customer and as an admin, plus the stateful phase that follows the document's links.
 * Settings and the few narrow exclusions: tests/conformance/schemathesis.toml (docs/delivery-pipeline.md: Conformance testing).
 */
const root = path.resolve(__dirname, "..", "..");
const st = path.join(root, ".tools", "bin", "st");
const EXAMPLES_PER_OPERATION = 100;
const admin = { email: "conformance-admin@example.com", password: "conformance admin password" };
const customer = { email: "conformance-customer@example.com", password: "conformance customer pw" };

async function startApi(
  dataDir: string,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    DATA_DIR: dataDir,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
  };
  for (const key of [
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "JWT_SECRET",
    "REPORTS_BUCKET",
    "HOST",
  ])
    delete env[key];
  const child = spawn(process.execPath, ["--import", "tsx", "app/entrypoints/local-server.ts"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 90_000);
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { url, child, output: () => output };
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function accessToken(url: string, account: { email: string; password: string }): Promise<string> {
  const response = await post(`${url}/auth/login`, account);
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Runs `st run` against the live document; resolves with its exit code and everything it printed. */
function schemathesis(
  url: string,
  token: string,
  reportDir: string,
): Promise<{ status: number | null; output: string }> {
  const child = spawn(
    st,
    [
      "--config-file",
      path.join(__dirname, "schemathesis.toml"),
      "--no-color",
      "run",
      `${url}/openapi.json`,
      "--max-examples",
      String(EXAMPLES_PER_OPERATION),
      "--workers",
      "1",
      "--header",
      `Authorization: Bearer ${token}`,
      "--report",
      "junit",
      "--report-dir",
      reportDir,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, output })));
}

describe("Conformance: Schemathesis against the running API (npm start)", function () {
  this.timeout(15 * 60_000);
  let api: Awaited<ReturnType<typeof startApi>>;
  let dataDir: string;
  let tokens: { customer: string; admin: string };

  before(async function () {
    if (!existsSync(st))
      throw new Error("Schemathesis (st) is not installed in .tools/bin: run npm run tools");
    dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-conformance-"));
    api = await startApi(dataDir);
    const registered = await post(`${api.url}/auth/register`, { ...customer, name: "Conformance" });
    assert.equal(registered.status, 201, await registered.clone().text());
    // Both tokens before any run: a run's failed logins from 127.0.0.1 rightly throttle that address.
    tokens = { customer: await accessToken(api.url, customer), admin: await accessToken(api.url, admin) };
  });

  after(async () => {
    if (api) {
      const exited = new Promise((resolve) => api.child.once("exit", resolve));
      api.child.kill("SIGTERM");
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const role of ["customer", "admin"] as const) {
    it(`finds no failure as the ${role}: every operation, every default check, stateful chains`, async () => {
      const reportDir = path.join(dataDir, `report-${role}`);
      const { status, output } = await schemathesis(api.url, tokens[role], reportDir);
      const summary = output.slice(output.lastIndexOf("SUMMARY"));
      console.log(
        `    ${role}: ${summary
          .split("\n")
          .filter((line) => /Tested|generated|passed|failed|in [\d.]+s/.test(line))
          .join(" | ")}`,
      );
      const operations = Object.values(buildOpenApiDocument().paths as Record<string, object>)
        .flatMap((item) => Object.keys(item))
        .filter((key) => ["get", "put", "post", "patch", "delete"].includes(key)).length;
      assert.match(
        output,
        new RegExp(`Operations:\\s+${operations} selected / ${operations} total`),
        `every operation of the document (${operations}) is tested`,
      );
      const failures = output.slice(output.indexOf("FAILURES"), output.indexOf("SUMMARY"));
      assert.equal(status, 0, failures.replace(/^(.{400}).+$/gm, "$1..."));
      assert.match(summary, /✅ Stateful/, "the stateful phase ran the document's links");
    });
  }
});
