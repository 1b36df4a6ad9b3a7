/**
 * Child processes for the benchmarks. Everything is asynchronous on purpose: s3rver runs inside the bench
 * process and must keep answering while a child talks to it (a synchronous wait would deadlock it).
 * Every child started here is killed when the bench exits, however it exits.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const running = new Set<ChildProcess>();

process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, as the parent saw it. */
  readonly wallMs: number;
}

/** Runs a command to completion, collecting its output and timing it from spawn to exit. */
export function runToExit(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = track(spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          child.kill("SIGKILL");
          reject(
            new Error(
              `${command} ${args.join(" ").slice(0, 120)} did not finish within ${options.timeoutMs} ms\n${stderr}`,
            ),
          );
        }, options.timeoutMs)
      : undefined;
    child.once("error", reject);
    child.once("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

/** Stops a long-running child: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The one line a child prints with this prefix, parsed; the rest of its output (logs) is ignored. */
export const RESULT_PREFIX = "BENCH_RESULT ";

export function parseResult<T>(finished: Finished): T {
  const line = finished.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (finished.code !== 0 || !line) {
    throw new Error(
      `child failed (exit ${finished.code}):\n${finished.stdout.slice(-2000)}\n${finished.stderr.slice(-2000)}`,
    );
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}
