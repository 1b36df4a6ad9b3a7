/**
 * moto's server (installed into .tools by `npm run tools`): a Secrets Manager API emulator speaking the
 * service's real protocol, so the tests run the AWS SDK's own code path against it. One server per suite,
 * on a free loopback port, stopped by the suite.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

const root = path.resolve(__dirname, "../..");

export interface MotoServer {
  readonly endpoint: string;
  /** A client of its own on the emulator (the app's clients get the endpoint instead). */
  client(): SecretsManagerClient;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not start: ${output()}`);
}

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn(
    path.join(root, "tools/with-tools"),
    ["moto_server", "-H", "127.0.0.1", "-p", String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: SecretsManagerClient[] = [];
  const stop = async () => {
    for (const client of clients) client.destroy();
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // tools/with-tools execs moto_server, but moto's reloader may fork: end the whole process group.
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  };
  try {
    await waitUntilServing(endpoint, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    client() {
      const client = new SecretsManagerClient({
        endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      clients.push(client);
      return client;
    },
    stop,
  };
}
