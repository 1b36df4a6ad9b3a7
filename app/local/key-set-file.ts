/**
 * The local JWT key set: `DATA_DIR/jwt-keys.json` (mode 0600), what Secrets Manager's AWSCURRENT and
 * AWSPREVIOUS versions are in AWS.
 *
 *   { "format": "shop-jwt-key-set/1",
 *     "keys": [ { "kid": "<uuid>", "secret": "<64 characters>", "createdAt": "<ISO time>" },   current
 *               { "kid": "<uuid>", "secret": "...", "createdAt": "..." } ] }                   previous
 *
 * `npm run keys:rotate` puts a new key first and keeps the old current one as the previous; the one before
 * is dropped, so what it signed stops verifying. The file is replaced by a rename, so the running server
 * never reads half of one.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  generateSigningSecret,
  isKeyId,
  signingSecretProblem,
  type KeySet,
  type SigningKey,
} from "../services/signing-key";

export const KEY_SET_FORMAT = "shop-jwt-key-set/1";

/** Where the key set lives in a data directory. */
export const keySetFileName = "jwt-keys.json";

/** The single key of earlier versions, adopted as the first key of a new set so its tokens keep working. */
const legacySecretFileName = "jwt-secret";

interface StoredKey {
  readonly kid: string;
  readonly secret: string;
  readonly createdAt: string;
}

interface KeySetDocument {
  readonly format: typeof KEY_SET_FORMAT;
  readonly keys: readonly StoredKey[];
}

function newKey(secret = generateSigningSecret()): StoredKey {
  return { kid: randomUUID(), secret, createdAt: new Date().toISOString() };
}

function parse(text: string, file: string): KeySetDocument {
  const invalid = (why: string) => new Error(`${file} is not a JWT key set (${KEY_SET_FORMAT}): ${why}`);
  let document: Partial<KeySetDocument>;
  try {
    document = JSON.parse(text) as Partial<KeySetDocument>;
  } catch {
    throw invalid("not JSON");
  }
  if (document?.format !== KEY_SET_FORMAT) throw invalid("unknown format");
  const keys = document.keys;
  if (!Array.isArray(keys) || keys.length < 1 || keys.length > 2) throw invalid("expected one or two keys");
  for (const [index, key] of keys.entries()) {
    if (!isKeyId(key?.kid)) throw invalid(`key ${index} has no valid kid`);
    const problem = signingSecretProblem(key.secret);
    if (problem) throw invalid(`key ${index}: ${problem}`);
  }
  if (keys.length === 2 && keys[0].kid === keys[1].kid) throw invalid("both keys have the same kid");
  return document as KeySetDocument;
}

function toKeySet(document: KeySetDocument): KeySet {
  const [current, previous] = document.keys.map((key): SigningKey => ({
    kid: key.kid,
    secret: Buffer.from(key.secret, "utf8"),
  }));
  return { current, previous };
}

function write(file: string, document: KeySetDocument): void {
  const temporary = `${file}.${process.pid}.tmp`;
  // Left over from a crash: removed so that the new file is created here, with this mode.
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  renameSync(temporary, file);
}

/**
 * Creates the key set in `dataDir` unless it exists, and returns its path. A data directory of an earlier
 * version keeps its single key (`jwt-secret`) as the set's first key.
 */
export function ensureKeySetFile(dataDir: string): string {
  const file = path.join(dataDir, keySetFileName);
  if (existsSync(file)) return file;
  const legacy = path.join(dataDir, legacySecretFileName);
  const adopted = existsSync(legacy) ? readFileSync(legacy, "utf8").trim() : undefined;
  const first = adopted && !signingSecretProblem(adopted) ? newKey(adopted) : newKey();
  write(file, { format: KEY_SET_FORMAT, keys: [first] });
  return file;
}

/** The key set in `file`, read afresh on every call (the caller caches: see localFileKeyTiming). */
export function keySetFileLoader(file: string): () => Promise<KeySet> {
  return async () => toKeySet(parse(await readFile(file, "utf8"), file));
}

/** Rotates the key set in `file`: a new current key, the old current one kept as the previous. */
export function rotateKeySetFile(file: string): { current: string; previous: string; retired?: string } {
  const document = parse(readFileSync(file, "utf8"), file);
  const [current, retired] = document.keys;
  const next = newKey();
  write(file, { format: KEY_SET_FORMAT, keys: [next, current] });
  return { current: next.kid, previous: current.kid, retired: retired?.kid };
}
