import { hkdfSync, randomBytes } from "node:crypto";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { callOptions, timeBudgets } from "../aws/time-budgets";
import { once } from "../once";

const secretsManagerCommands = once(() => import("../aws/sdk/secrets-manager"));

/** One HS256 key and the id (`kid`) that every token or cursor it signs carries. */
export interface SigningKey {
  readonly kid: string;
  readonly secret: Buffer;
}

/**
 * The keys a verifier may use: the current one (Secrets Manager's AWSCURRENT), which signs, and the one
 * before it (AWSPREVIOUS), which only verifies what was signed before the last rotation.
 */
export interface KeySet {
  readonly current: SigningKey;
  readonly previous?: SigningKey;
}

/** Where the services get their keys. A `kid` outside the current pair is never looked up anywhere else. */
export interface SigningKeys {
  /** The key to sign with. */
  current(): Promise<SigningKey>;
  /** The key `kid` names when it is the current or the previous one; undefined for any other. */
  find(kid: string): Promise<SigningKey | undefined>;
}

/** The shortest secret the API accepts as a key (HS256 wants 256 bits; 32 characters of any alphabet). */
export const minimumSecretLength = 32;

/** A `kid` is an id we minted (a Secrets Manager version id, a UUID): anything else is refused unread. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isKeyId(value: unknown): value is string {
  return typeof value === "string" && KID_PATTERN.test(value);
}

/** Why `secret` cannot be a signing key, or undefined when it can. Never includes the value. */
export function signingSecretProblem(secret: string | undefined): string | undefined {
  if (!secret || secret.length < minimumSecretLength)
    return `The JWT signing secret is missing or shorter than ${minimumSecretLength} characters`;
  if (/\s/.test(secret)) return "The JWT signing secret contains whitespace";
  return undefined;
}

/** A new key: 48 random bytes as 64 base64url characters, 384 bits with nothing to escape anywhere. */
export function generateSigningSecret(): string {
  return randomBytes(48).toString("base64url");
}

export interface KeyCacheTiming {
  /** A fetched key set is used for this long before the next caller fetches it again. */
  readonly maxAgeMs: number;
  /** However many tokens name an unknown `kid`, a key set is fetched at most once per this long. */
  readonly refreshIntervalMs: number;
}

/**
 * Secrets Manager, in AWS. `maxAgeMs` bounds how long a warm instance keeps accepting a key that an
 * emergency rotation retired; `refreshIntervalMs` bounds what a flood of tokens with forged `kid`s can
 * cost (one fetch, two GetSecretValue calls, per instance per interval) and how long an instance that had
 * just fetched before a rotation may refuse a token signed with the brand-new key (a client answered 401
 * refreshes its access token, which the instance then signs with its own current key).
 */
export const secretsManagerKeyTiming: KeyCacheTiming = { maxAgeMs: 5 * 60_000, refreshIntervalMs: 30_000 };

/** The local key-set file: reading it costs a millisecond, and `npm run keys:rotate` should show at once. */
export const localFileKeyTiming: KeyCacheTiming = { maxAgeMs: 1000, refreshIntervalMs: 1000 };

/**
 * Keeps the last key set fetched by `load`. Callers share one fetch in flight. A token naming a `kid` the
 * set does not hold triggers a fetch only when the last attempt is `refreshIntervalMs` old; the answer is
 * then whatever the set holds, so no token can make the verifier look beyond the current pair. When a
 * refresh fails, the keys already held stay in use (the next attempt waits an interval); only an instance
 * that has no keys yet fails the request, which the HTTP layer answers 503.
 */
export function cachedSigningKeys(
  load: () => Promise<KeySet>,
  timing: KeyCacheTiming,
  now: () => number = Date.now,
): SigningKeys {
  let held: { keys: KeySet; fetchedAt: number } | undefined;
  let inFlight: Promise<KeySet> | undefined;
  let lastAttemptAt = -Infinity;

  const refresh = (): Promise<KeySet> => {
    inFlight ??= (async () => {
      const startedAt = now();
      lastAttemptAt = startedAt;
      try {
        const keys = await load();
        held = { keys, fetchedAt: startedAt };
        return keys;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  /** The held set, or a fresher one when `stale` says the held one is due and an attempt is allowed. */
  const keys = async (stale: (fetchedAt: number) => boolean): Promise<KeySet> => {
    if (inFlight)
      return inFlight.catch((error: unknown) => {
        if (held) return held.keys;
        throw error;
      });
    if (!held) return refresh();
    if (!stale(held.fetchedAt) || now() - lastAttemptAt < timing.refreshIntervalMs) return held.keys;
    const keep = held.keys;
    return refresh().catch(() => keep);
  };

  return {
    async current() {
      return (await keys((fetchedAt) => now() - fetchedAt >= timing.maxAgeMs)).current;
    },
    async find(kid) {
      const lookUp = (set: KeySet) =>
        [set.current, set.previous].find((key) => key !== undefined && key.kid === kid);
      const found = lookUp(await keys((fetchedAt) => now() - fetchedAt >= timing.maxAgeMs));
      if (found) return found;
      return lookUp(await keys(() => true));
    },
  };
}

/** One fixed key (JWT_SECRET): no rotation, so its id only has to be stable. */
export function staticSigningKeys(secret: string): SigningKeys {
  const key: SigningKey = { kid: "static", secret: Buffer.from(secret, "utf8") };
  return {
    current: () => Promise.resolve(key),
    find: (kid) => Promise.resolve(kid === key.kid ? key : undefined),
  };
}

/**
 * The key set in Secrets Manager: the AWSCURRENT and AWSPREVIOUS versions of the secret, each version's
 * id as its `kid`. A secret that was never rotated has no AWSPREVIOUS version. AWSPENDING (a rotation in
 * progress) is never read: a key becomes usable only once the rotation has finished.
 */
export function secretsManagerKeySet(
  secretArn: string,
  client: () => Promise<SecretsManagerClient>,
): () => Promise<KeySet> {
  const version = async (stage: "AWSCURRENT" | "AWSPREVIOUS"): Promise<SigningKey | undefined> => {
    const [sm, { GetSecretValueCommand }] = await Promise.all([client(), secretsManagerCommands()]);
    let answer;
    try {
      answer = await sm.send(
        new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }),
        callOptions(timeBudgets.secretsManager.getSecret),
      );
    } catch (error) {
      if (stage === "AWSPREVIOUS" && (error as Error).name === "ResourceNotFoundException") return undefined;
      throw error;
    }
    const problem = signingSecretProblem(answer.SecretString);
    if (problem) throw new Error(`${problem} (${stage})`);
    if (!isKeyId(answer.VersionId))
      throw new Error(`The ${stage} version of the JWT secret has no usable id`);
    return { kid: answer.VersionId, secret: Buffer.from(answer.SecretString!, "utf8") };
  };
  return async () => {
    const [current, previous] = await Promise.all([version("AWSCURRENT"), version("AWSPREVIOUS")]);
    return { current: current!, previous: previous?.kid === current!.kid ? undefined : previous };
  };
}

/** A key for another purpose, derived with HKDF so that no single key signs two kinds of thing. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `shop-api/${purpose}`, 32));
}

/** The same key set with every key derived for `purpose`; a derived key keeps its master's `kid`. */
export function derivedKeys(keys: SigningKeys, purpose: string): SigningKeys {
  const derived = new WeakMap<SigningKey, SigningKey>();
  const derive = (key: SigningKey): SigningKey => {
    let result = derived.get(key);
    if (!result) {
      result = { kid: key.kid, secret: deriveKey(key.secret, purpose) };
      derived.set(key, result);
    }
    return result;
  };
  return {
    current: async () => derive(await keys.current()),
    find: async (kid) => {
      const key = await keys.find(kid);
      return key && derive(key);
    },
  };
}

/** The `kid` of a JWT's header, read before any key is chosen; undefined when there is no usable one. */
export function jwtKeyId(token: string): string | undefined {
  const header = token.split(".", 1)[0];
  try {
    const kid = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { kid?: unknown } | null)
      ?.kid;
    return isKeyId(kid) ? kid : undefined;
  } catch {
    return undefined;
  }
}
