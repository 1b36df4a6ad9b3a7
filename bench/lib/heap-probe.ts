/**
 * The live heap of a Node process the bench started with `--inspect`, read over the inspector protocol:
 * a full garbage collection (HeapProfiler.collectGarbage), then V8's used heap (Runtime.getHeapUsage).
 * What survives a full collection is what a leak grows; the resident set size also holds garbage not yet
 * collected and memory the allocator keeps, and moves by tens of percent between runs of the same code.
 */

/** The inspector's WebSocket URL, from the "Debugger listening on ws://..." line Node prints to stderr. */
export function inspectorUrlIn(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/** Bytes of V8 heap in use after a full garbage collection in the process behind `inspectorUrl`. */
export async function heapAfterFullGc(inspectorUrl: string, timeoutMs = 30_000): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const send = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method }));
    });
  const timer = setTimeout(() => socket.close(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`cannot reach ${inspectorUrl}`)), {
        once: true,
      });
    });
    const closed = new Promise<never>((_, reject) =>
      socket.addEventListener("close", () => reject(new Error(`${inspectorUrl} closed (timeout?)`)), {
        once: true,
      }),
    );
    closed.catch(() => undefined); // it rejects on the normal close in finally too

    await Promise.race([send("HeapProfiler.collectGarbage"), closed]);
    const usage = (await Promise.race([send("Runtime.getHeapUsage"), closed])) as { usedSize: number };
    return usage.usedSize;
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
