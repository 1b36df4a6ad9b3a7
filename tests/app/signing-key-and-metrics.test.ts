import assert from "node:assert/strict";
import { createEmfMetrics } from "../../app/observability/metrics";
import { cachedSigningKeys, type KeySet } from "../../app/services/signing-key";

/**
 * The key cache's rules, with a loader that counts its calls and a clock the test moves. (Against Secrets
 * Manager itself: signing-key-rotation.test.ts and key-rotation-http.test.ts, on moto.)
 */
describe("JWT key cache", () => {
  const timing = { maxAgeMs: 60_000, refreshIntervalMs: 10_000 };
  const key = (kid: string) => ({ kid, secret: Buffer.from(kid.repeat(32)) });

  function source(sets: (KeySet | Error)[]) {
    let calls = 0;
    let time = 0;
    const keys = cachedSigningKeys(
      async () => {
        const answer = sets[Math.min(calls++, sets.length - 1)];
        if (answer instanceof Error) throw answer;
        return answer;
      },
      timing,
      () => time,
    );
    return { keys, calls: () => calls, advance: (ms: number) => (time += ms) };
  }

  it("fetches on first use, once for concurrent callers, and again only after the maximum age", async () => {
    const s = source([{ current: key("a") }, { current: key("b"), previous: key("a") }]);
    assert.equal(s.calls(), 0, "nothing is fetched before first use");
    const [one, two] = await Promise.all([s.keys.current(), s.keys.current()]);
    assert.equal(one.kid, "a");
    assert.equal(two, one);
    s.advance(timing.maxAgeMs - 1);
    await s.keys.current();
    assert.equal(s.calls(), 1);
    s.advance(1);
    assert.equal((await s.keys.current()).kid, "b");
    assert.equal(s.calls(), 2);
  });

  it("finds only the current and previous key, refreshing for an unknown kid at most once per interval", async () => {
    const s = source([{ current: key("a") }, { current: key("b"), previous: key("a") }]);
    assert.equal((await s.keys.find("a"))?.kid, "a");
    assert.equal(
      await s.keys.find("b"),
      undefined,
      "fetched just now: an unknown kid waits for the interval",
    );
    assert.equal(s.calls(), 1);
    s.advance(timing.refreshIntervalMs);
    const found = await Promise.all(["b", "c", "d", "b"].map((kid) => s.keys.find(kid)));
    assert.deepEqual(
      found.map((k) => k?.kid),
      ["b", undefined, undefined, "b"],
    );
    assert.equal(s.calls(), 2, "one refresh for all of them");
    for (const kid of ["c", "d", "e"]) assert.equal(await s.keys.find(kid), undefined);
    assert.equal(s.calls(), 2);
  });

  it("fails while it has no keys, and keeps the keys it has when a refresh fails", async () => {
    const s = source([
      new Error("throttled"),
      { current: key("a") },
      new Error("down"),
      { current: key("b") },
    ]);
    await assert.rejects(s.keys.current(), /throttled/);
    assert.equal((await s.keys.current()).kid, "a", "the next caller tries again");
    s.advance(timing.maxAgeMs);
    assert.equal((await s.keys.current()).kid, "a", "a failed refresh keeps the keys");
    assert.equal(s.calls(), 3);
    await s.keys.current();
    assert.equal(s.calls(), 3, "and the next attempt waits an interval");
    s.advance(timing.refreshIntervalMs);
    assert.equal((await s.keys.current()).kid, "b");
  });
});

describe("Business metrics (CloudWatch EMF)", () => {
  it("writes orders placed, revenue and failed logins as EMF lines in the Shop namespace", () => {
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = String(chunk);
      if (!text.startsWith("{")) return original(chunk, ...rest);
      lines.push(text);
      return true;
    }) as typeof process.stdout.write;
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    try {
      const metrics = createEmfMetrics("shop-api");
      metrics.orderPlaced(1234);
      metrics.loginFailed();
    } finally {
      process.stdout.write = original;
      if (previous !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    const emf = lines.map((line) => JSON.parse(line));
    assert.equal(emf.length, 2);
    const [order, login] = emf;
    assert.equal(order._aws.CloudWatchMetrics[0].Namespace, "Shop");
    assert.deepEqual(order._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).sort(), [
      "OrdersPlaced",
      "RevenueCents",
    ]);
    assert.equal(order.OrdersPlaced, 1);
    assert.equal(order.RevenueCents, 1234);
    assert.equal(order.service, "shop-api");
    assert.equal(login.FailedLogins, 1);
  });
});
