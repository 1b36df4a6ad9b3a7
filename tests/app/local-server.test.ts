import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { connection, nonLoopbackAddress } from "../support/connection";

/** `npm start` end to end: the real entry point, its own DynamoDB Local and s3rver, and a clean stop. */
describe("Local server (npm start)", function () {
  this.timeout(90_000);

  it("creates the tables and bucket, bootstraps the admin, serves the API and stops everything on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-start-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: "0",
      DATA_DIR: dataDir,
      ADMIN_EMAIL: "root@example.com",
      ADMIN_PASSWORD: "admin password 1",
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
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 60_000);
        child.stdout.on("data", () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      assert.match(output, /Admin root@example\.com: created/);
      assert.match(output, /docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      // Bound to loopback (HOST unset): another address of this machine refuses the connection.
      const external = nonLoopbackAddress();
      if (external) assert.equal(await connection(external, Number(new URL(url).port)), "ECONNREFUSED");
      else console.log("    (not checked: this machine has no non-loopback address to try)");
      const login = await fetch(`${url}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "root@example.com", password: "admin password 1" }),
      });
      assert.equal(login.status, 200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const report = await fetch(`${url}/admin/reports/weekly`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.equal(report.status, 200);
      assert.match(
        ((await report.json()) as { location: string }).location,
        /^s3:\/\/shop-local-reports\/reports\/weekly\//,
      );
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0, output);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
