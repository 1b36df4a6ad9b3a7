import { createHash, randomUUID } from "node:crypto";
import type { StoredUser } from "../repositories/user-repository";
import type { TokenRevocationRepository } from "../repositories/token-revocation-repository";
import { once } from "../once";
import { derivedKeys, jwtKeyId, type SigningKeys } from "./signing-key";

/** Marks a JWT as a device token; its own derived key keeps it from ever passing for an access token. */
const DEVICE_TOKEN_USE = "device";

type JsonWebToken = typeof import("jsonwebtoken");

const jwt = once(async (): Promise<JsonWebToken> => {
  const loaded = (await import("jsonwebtoken")) as JsonWebToken & { default?: JsonWebToken };
  return loaded.default ?? loaded;
});

/**
 * A short fingerprint of the stored password hash: a device token carries it, so a password change
 * (whichever way it happens) revokes every device token issued before it. It reveals nothing about the
 * password: the hash is salted scrypt, and this is a truncated SHA-256 of it.
 */
function credentialFingerprint(user: StoredUser): string {
  return createHash("sha256").update(user.passwordHash).digest("base64url").slice(0, 22);
}

export interface DeviceTokenSettings {
  readonly issuer: string;
  readonly ttlSeconds: number;
}

/**
 * Device tokens (OWASP's "device cookies"): handed to a client after a successful login, they prove on
 * the next login that this client has logged in to this account before, so its attempts are judged by
 * its own counter and not by the account's, which strangers can fill. Signed (HS256, a key derived from
 * the signing key), bound to the account and its current password, expiring, and refused once issued
 * before the account's last "log out everywhere". Like access tokens they name their key (`kid`) and are
 * checked only against the current or the previous key, so a rotation does not forget every device.
 */
export class DeviceTokens {
  private readonly keys: SigningKeys;

  constructor(
    signingKeys: SigningKeys,
    private readonly revocations: TokenRevocationRepository,
    private readonly settings: DeviceTokenSettings,
    private readonly now: () => Date,
  ) {
    this.keys = derivedKeys(signingKeys, "device-token");
  }

  async issue(user: StoredUser): Promise<string> {
    const [{ sign }, key] = await Promise.all([jwt(), this.keys.current()]);
    const nowMs = this.now().getTime();
    return sign(
      {
        token_use: DEVICE_TOKEN_USE,
        cred: credentialFingerprint(user),
        // Milliseconds, so a login right after "log out everywhere" is not mistaken for one before it.
        iat_ms: nowMs,
        iat: Math.floor(nowMs / 1000),
      },
      key.secret,
      {
        algorithm: "HS256",
        keyid: key.kid,
        subject: user.id,
        issuer: this.settings.issuer,
        expiresIn: this.settings.ttlSeconds,
        jwtid: randomUUID(),
      },
    );
  }

  /** The device's id when `token` is a live device token of `user`; undefined for anything else. */
  async verify(token: string, user: StoredUser | undefined): Promise<string | undefined> {
    if (!user) return undefined;
    const kid = jwtKeyId(token);
    const [{ verify }, key] = await Promise.all([jwt(), kid ? this.keys.find(kid) : undefined]);
    if (!key) return undefined;
    let claims: Record<string, unknown>;
    try {
      claims = verify(token, key.secret, {
        algorithms: ["HS256"],
        issuer: this.settings.issuer,
        subject: user.id,
        clockTimestamp: Math.floor(this.now().getTime() / 1000),
      }) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const { jti, exp, iat, iat_ms: issuedAtMs, token_use: tokenUse, cred } = claims;
    if (
      tokenUse !== DEVICE_TOKEN_USE ||
      typeof jti !== "string" ||
      typeof exp !== "number" ||
      typeof iat !== "number" ||
      exp - iat > this.settings.ttlSeconds ||
      typeof issuedAtMs !== "number" ||
      cred !== credentialFingerprint(user)
    )
      return undefined;
    if (issuedAtMs <= (await this.revocations.revokedBefore(user.id))) return undefined;
    return jti;
  }
}
