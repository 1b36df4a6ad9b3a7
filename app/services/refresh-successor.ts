/**
 * The successor of a spent refresh token, kept so that a client retrying a refresh whose answer it lost
 * (a timeout, a 503) gets the same new token instead of looking like a thief. The successor is stored
 * sealed with a key derived from the spent token itself: the database holds only that token's SHA-256
 * hash, so neither a reader of the table nor a backup can unseal it; only whoever presents the spent token
 * can, and that is exactly who the retry answers. Every instance can unseal it (no per-instance state).
 *
 * AES-256-GCM; the key is HKDF-SHA256 of the token (256 random bits, so no salt is needed), and the
 * spent token's hash is the associated data, so a sealed successor cannot be moved to another record.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const INFO = "shop refresh-token successor v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyOf(spentToken: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(spentToken, "utf8"), Buffer.alloc(0), INFO, 32));
}

/** `successor`, sealed for whoever holds `spentToken` (whose hash is `spentTokenHash`). */
export function sealSuccessor(successor: string, spentToken: string, spentTokenHash: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyOf(spentToken), iv);
  cipher.setAAD(Buffer.from(spentTokenHash, "utf8"));
  const sealed = Buffer.concat([cipher.update(successor, "utf8"), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
}

/** The successor, or undefined when `sealed` was not sealed for this token and record. */
export function openSuccessor(
  sealed: string,
  spentToken: string,
  spentTokenHash: string,
): string | undefined {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(spentToken), bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(spentTokenHash, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}
