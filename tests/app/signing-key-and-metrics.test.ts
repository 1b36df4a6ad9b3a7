import assert from "node:assert/strict";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createEmfMetrics } from "../../app/observability/metrics";
import { secretsManagerSigningKey } from "../../app/services/signing-key";

/**
 * Secrets Manager has no local stand-in, so the key provider is exercised against a client that answers
 * GetSecretValue the way the service does (SecretString), counting calls.
 */
function secretsManager(answers: (() => Promise<{ SecretString?: string }>)[]) {
  const calls: unknown[] = [];
  const client = {
    send: (command: { input: unknown }) => {
      calls.push(command.input);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      return answer();
    },
  } as unknown as SecretsManagerClient;
  return { client: () => Promise.resolve(client), calls };
}

describe("JWT signing key from Secrets Manager", () => {
  const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-jwt-AbCdEf";
  const secret = "k".repeat(64);

  it("fetches the secret once on first use and caches it", async () => {
    const sm = secretsManager([() => Promise.resolve({ SecretString: secret })]);
    const key = secretsManagerSigningKey(arn, sm.client);
    assert.equal(sm.calls.length, 0, "nothing is fetched before first use");
    const [a, b] = await Promise.all([key(), key()]);
    assert.equal(a.toString(), secret);
    assert.equal(b, a);
    await key();
    assert.deepEqual(sm.calls, [{ SecretId: arn }]);
  });

  it("fetches again after the refresh interval, so a rotated secret is picked up", async () => {
    const sm = secretsManager([
      () => Promise.resolve({ SecretString: secret }),
      () => Promise.resolve({ SecretString: "r".repeat(64) }),
    ]);
    const key = secretsManagerSigningKey(arn, sm.client, 0);
    await key();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await key()).toString(), "r".repeat(64));
    assert.equal(sm.calls.length, 2);
  });

  it("does not cache a failure, and refuses a missing or short secret", async () => {
    const sm = secretsManager([
      () => Promise.reject(new Error("throttled")),
      () => Promise.resolve({ SecretString: secret }),
    ]);
    const key = secretsManagerSigningKey(arn, sm.client);
    await assert.rejects(key(), /throttled/);
    assert.equal((await key()).toString(), secret);
    const short = secretsManager([() => Promise.resolve({ SecretString: "short" })]);
    await assert.rejects(secretsManagerSigningKey(arn, short.client)(), /shorter than 32/);
    const binary = secretsManager([() => Promise.resolve({})]);
    await assert.rejects(secretsManagerSigningKey(arn, binary.client)(), /missing/);
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
