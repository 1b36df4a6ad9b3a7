/**
 * The server `npm start` runs (app/entrypoints/local-server.ts under tsx), started by a bench section on
 * the bench's DynamoDB Local and s3rver, and a small JSON client for setting up its data.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { BenchEnvironment } from "./environment";
import { inspectorUrlIn } from "./heap-probe";
import { track } from "./processes";

export interface LocalServerOptions {
  readonly dataDir: string;
  readonly admin: { readonly email: string; readonly password: string };
  /** More environment for the app (e.g. raised throttles). */
  readonly env?: Readonly<Record<string, string>>;
  /** Starts Node with its inspector on a free loopback port, for heap-probe.ts. */
  readonly inspect?: boolean;
}

export async function startLocalServer(
  bench: BenchEnvironment,
  options: LocalServerOptions,
): Promise<{ url: string; server: ChildProcess; inspectorUrl?: string }> {
  const nodeArgs = options.inspect ? ["--inspect=127.0.0.1:0"] : [];
  const server = track(
    spawn(process.execPath, [...nodeArgs, "--import", "tsx", "app/entrypoints/local-server.ts"], {
      cwd: path.resolve(__dirname, "..", ".."),
      env: {
        ...process.env,
        ...bench.local.env,
        ...options.env,
        PORT: "0",
        DATA_DIR: options.dataDir,
        ADMIN_EMAIL: options.admin.email,
        ADMIN_PASSWORD: options.admin.password,
      },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  // Drained for the whole run: the server logs an audit line per order, and a full pipe would stall it.
  for (const stream of [server.stdout, server.stderr])
    stream?.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local server did not start:\n${output}`)), 60_000);
    server.stdout?.on("data", () => {
      const match = /listening on (http:\/\/(?:localhost|[\d.]+):\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.once("exit", (code) => reject(new Error(`the local server exited with ${code}:\n${output}`)));
  });
  if (!options.inspect) return { url, server };
  const inspectorUrl = inspectorUrlIn(output);
  if (!inspectorUrl) throw new Error(`the local server did not print its inspector's address:\n${output}`);
  return { url, server, inspectorUrl };
}

/** One JSON request; throws with the status and body unless it succeeded. */
export async function call(
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
