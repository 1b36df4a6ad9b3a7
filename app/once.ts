/**
 * Memoises an asynchronous load (a client, a dynamically imported module): the first call starts it and
 * later calls share its promise; a failure is not kept, so the next call tries again. Repeating an
 * `import()` is not free: for the ES modules the bundle splits off, Node's loader resolves it anew on every
 * call (about 20 µs), which a request that makes a few DynamoDB calls would pay each time.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
