import { hkdfSync } from "node:crypto";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { callOptions, timeBudgets } from "../aws/time-budgets";
import { once } from "../once";

const secretsManagerCommands = once(() => import("../aws/sdk/secrets-manager"));

/** The HS256 key for access tokens; other keys (cursor signing) are derived from it. */
export type SigningKeyProvider = () => Promise<Buffer>;

export function staticSigningKey(secret: string): SigningKeyProvider {
  const key = Buffer.from(secret, "utf8");
  return () => Promise.resolve(key);
}

/**
 * Reads the key from Secrets Manager on first use, then caches it; after `refreshMs` the next caller
 * fetches it again so a rotated secret is picked up without a redeploy.
 */
export function secretsManagerSigningKey(
  secretArn: string,
  client: () => Promise<SecretsManagerClient>,
  refreshMs = 60 * 60 * 1000,
): SigningKeyProvider {
  let cached: { key: Promise<Buffer>; fetchedAt: number } | undefined;
  const fetchKey = async (): Promise<Buffer> => {
    const [sm, { GetSecretValueCommand }] = await Promise.all([client(), secretsManagerCommands()]);
    const { SecretString } = await sm.send(
      new GetSecretValueCommand({ SecretId: secretArn }),
      callOptions(timeBudgets.secretsManager.getSecret),
    );
    if (!SecretString || SecretString.length < 32) {
      throw new Error("The JWT signing secret is missing or shorter than 32 characters");
    }
    return Buffer.from(SecretString, "utf8");
  };
  return () => {
    if (!cached || Date.now() - cached.fetchedAt > refreshMs) {
      const key = fetchKey();
      cached = { key, fetchedAt: Date.now() };
      key.catch(() => (cached = undefined));
    }
    return cached.key;
  };
}

/** A key for another purpose, derived with HKDF so that no single key signs two kinds of thing. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `shop-api/${purpose}`, 32));
}
