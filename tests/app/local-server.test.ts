import assert from "node:assert/strict";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../app/local/local-aws";
import { connection, nonLoopbackAddress } from "../support/connection";

const repositoryRoot = path.resolve(__dirname, "..", "..");

interface Run {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly dataDir: string;
  /** stdout and stderr so far. */
  output(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

/** The environment of a fresh `npm start`: its own data directory, a free port, no endpoints of the caller's. */
function startEnv(dataDir: string, overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", DATA_DIR: dataDir };
  for (const key of [
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "JWT_SECRET",
    "JWT_KEYS_FILE",
    "REPORTS_BUCKET",
    "HOST",
  ])
    delete env[key];
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, dataDir: string): Run {
  const child = spawn(command, args, { cwd: repositoryRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    dataDir,
    output: () => output,
    stderr: () => stderr,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            child.stdout.off("data", check);
            resolve(match);
          }
        };
        child.stdout.on("data", check);
        check();
        void exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}: ${output}`)));
      }),
  };
}

/** The entry point itself, as `npm start` runs it. */
function startServer(overrides: Record<string, string | undefined> = {}): Run {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-start-"));
  const env = startEnv(dataDir, overrides);
  return run(process.execPath, ["--import", "tsx", "app/entrypoints/local-server.ts"], env, dataDir);
}

/**
 * Processes whose command line names `dir`. DynamoDB Local is started with `-dbPath <DATA_DIR>/dynamodb`,
 * so a JVM left behind by a run shows up here (Linux /proc; this project's machines and CI are Linux).
 */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (commandLine.includes(dir)) found.push(`${pid}: ${commandLine.slice(0, 160)}`);
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

/** Waits until a JVM of `run` is running (DynamoDB Local is being started). */
async function jvmStarted(target: Run): Promise<void> {
  while (!processesMentioning(target.dataDir).some((p) => p.includes("java"))) {
    if (target.child.exitCode !== null) throw new Error(`exited before starting Java: ${target.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function finished(target: Run): Promise<number | null> {
  const code = await target.exited;
  rmSync(target.dataDir, { recursive: true, force: true });
  return code;
}

/** `npm start` end to end: the real entry point, its own DynamoDB Local and s3rver, and a clean stop. */
describe("Local server (npm start)", function () {
  this.timeout(120_000);

  it("creates the tables and bucket, bootstraps the admin, serves the API and stops everything on SIGTERM", async () => {
    const server = startServer({ ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "admin password 1" });
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      assert.match(server.output(), /Admin root@example\.com: created/);
      assert.match(server.output(), /docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
      const [, dynamodb] = /DynamoDB: (http:\/\/127\.0\.0\.1:\d+) \(started/.exec(server.output()) ?? [];
      const [, s3] = /S3: (http:\/\/127\.0\.0\.1:\d+) \(started/.exec(server.output()) ?? [];
      assert.ok(dynamodb && s3, server.output());
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
      const { location } = (await report.json()) as { location: string };
      const [, week] =
        /^s3:\/\/shop-local-reports\/reports\/weekly\/(\d{4}-W\d{2})\.json$/.exec(location) ?? [];
      assert.ok(week, location);

      // The README's way to read it: npm run report:read, while the server runs.
      const reader = run(
        path.join(repositoryRoot, "tools", "with-tools"),
        ["npm", "run", "--silent", "report:read", "--", "--week", week],
        startEnv(server.dataDir, {}),
        server.dataDir,
      );
      assert.equal(await reader.exited, 0, reader.output());
      assert.equal((JSON.parse(reader.output()) as { week: string }).week, week);

      server.child.kill("SIGTERM");
      assert.equal(await server.exited, 0, server.output());
      for (const endpoint of [url, dynamodb, s3])
        assert.equal(await connection("127.0.0.1", Number(new URL(endpoint).port)), "ECONNREFUSED", endpoint);
      assert.deepEqual(processesMentioning(server.dataDir), []);
    } finally {
      server.child.kill("SIGKILL");
      await finished(server);
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stops the API, DynamoDB Local and s3rver when the npm process gets ${signal}`, async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-npm-start-"));
      // tools/with-tools execs npm, so the child is the npm process itself.
      const npm = run(
        path.join(repositoryRoot, "tools", "with-tools"),
        ["npm", "start"],
        startEnv(dataDir, {}),
        dataDir,
      );
      try {
        const [, url] = await npm.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        const [, dynamodb] = /DynamoDB: (http:\/\/127\.0\.0\.1:\d+)/.exec(npm.output()) ?? [];
        assert.ok(
          processesMentioning(dataDir).some((p) => p.includes("java")),
          "DynamoDB Local runs",
        );
        npm.child.kill(signal);
        // npm exits once its child has: by then the server must have stopped everything.
        await npm.exited;
        assert.match(npm.output(), new RegExp(`${signal}: stopping`));
        assert.deepEqual(processesMentioning(dataDir), []);
        assert.equal(await connection("127.0.0.1", Number(new URL(url).port)), "ECONNREFUSED");
        assert.equal(await connection("127.0.0.1", Number(new URL(dynamodb).port)), "ECONNREFUSED");
      } finally {
        npm.child.kill("SIGKILL");
        await finished(npm);
      }
    });
  }

  it("stops the JVM it was starting when SIGTERM arrives before it is ready, and exits 0", async () => {
    const server = startServer();
    try {
      await jvmStarted(server);
      server.child.kill("SIGTERM");
      assert.equal(await server.exited, 0, server.output());
      assert.doesNotMatch(server.output(), /listening on/);
      assert.deepEqual(processesMentioning(server.dataDir), []);
    } finally {
      await finished(server);
    }
  });

  describe("fails in one line, naming the service, the address and the variable, and leaves nothing running", () => {
    async function failure(server: Run): Promise<string> {
      const code = await server.exited;
      const lines = server.stderr().trim().split("\n");
      assert.equal(code, 1, server.output());
      assert.deepEqual(processesMentioning(server.dataDir), [], "no JVM left behind");
      await finished(server);
      return lines.length === 1 ? lines[0] : assert.fail(`more than one line:\n${server.stderr()}`);
    }

    let occupied: Server;
    let occupiedPort: number;
    before(async () => {
      occupied = createServer();
      await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
      occupiedPort = (occupied.address() as { port: number }).port;
    });
    after(() => new Promise((resolve) => occupied.close(resolve)));

    it("port in use: before anything starts", async () => {
      const server = startServer({ PORT: String(occupiedPort) });
      const line = await failure(server);
      assert.match(line, new RegExp(`^Shop API: 127\\.0\\.0\\.1:${occupiedPort} is already in use: .*PORT`));
      assert.doesNotMatch(server.output(), /DynamoDB:/);
    });

    it("Java missing, from PATH or JAVA_HOME: before s3rver starts", async () => {
      const emptyDir = mkdtempSync(path.join(os.tmpdir(), "shop-no-java-"));
      try {
        const onPath = await failure(startServer({ PATH: emptyDir, JAVA_HOME: undefined }));
        assert.match(
          onPath,
          /^DynamoDB Local \(127\.0\.0\.1\): Java 17\+ not found \(no `java` on PATH\):.*JAVA_HOME/,
        );
        const inHome = await failure(startServer({ JAVA_HOME: emptyDir }));
        assert.match(inHome, new RegExp(`JAVA_HOME has no ${emptyDir}/bin/java`));
      } finally {
        rmSync(emptyDir, { recursive: true, force: true });
      }
    });

    it("unreachable DynamoDB endpoint: s3rver, already started, is stopped", async () => {
      const port = await freePort();
      const line = await failure(startServer({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}` }));
      assert.equal(
        line,
        `DynamoDB at http://127.0.0.1:${port} is not reachable (ECONNREFUSED): start it, or change AWS_ENDPOINT_URL_DYNAMODB (unset: npm start runs its own)`,
      );
    });

    it("unreachable S3 endpoint: DynamoDB Local, already started, is stopped", async () => {
      const port = await freePort();
      const server = startServer({ AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` });
      const line = await failure(server);
      assert.equal(
        line,
        `S3 at http://127.0.0.1:${port} is not reachable (ECONNREFUSED): start it, or change AWS_ENDPOINT_URL_S3 (unset: npm start runs its own)`,
      );
    });

    it("bad configuration: refused before DynamoDB Local starts (one message naming every problem)", async () => {
      const server = startServer({ JWT_SECRET: "too short", AWS_ENDPOINT_URL_S3: "s3.local" });
      const code = await server.exited;
      assert.equal(code, 1);
      assert.match(server.stderr(), /^Invalid configuration:\n {2}- AWS_ENDPOINT_URL_S3: must be an http/);
      assert.deepEqual(processesMentioning(server.dataDir), []);
      assert.doesNotMatch(server.output(), /DynamoDB:/);
      await finished(server);
    });
  });
});
