import { randomUUID } from "node:crypto";
import { UnauthorizedError } from "../domain/errors";
import type { Principal } from "../domain/models";
import { once } from "../once";
import { jwtKeyId, type SigningKeys } from "./signing-key";

export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  /** How far ahead of this instance's clock an `iat` may be (clocks differ a little between hosts). */
  readonly clockSkewSeconds: number;
}

/** Marks a JWT as an access token, so no other token this service might sign is accepted in its place. */
const ACCESS_TOKEN_USE = "access";

type JsonWebToken = typeof import("jsonwebtoken");

/** jsonwebtoken is CommonJS: depending on the loader its functions sit on the namespace or on `default`. */
const jwt = once(async (): Promise<JsonWebToken> => {
  const loaded = (await import("jsonwebtoken")) as JsonWebToken & { default?: JsonWebToken };
  return loaded.default ?? loaded;
});

/**
 * HS256 access tokens. Every verify checks the algorithm, issuer and audience, and (RFC 8725: a token
 * must not be accepted on the strength of claims it leaves out) requires `exp` and `iat`, an `iat` no
 * further ahead than the clock skew, and a lifetime `exp - iat` no longer than the configured TTL, so a
 * token minted for ten years with a leaked key still dies within one TTL of its claimed issue time.
 *
 * Every token names its key in the header (`kid`), and is checked against that key only when it is the
 * current or the previous one (key rotation: docs/architecture.md, "Signing-key rotation"); a token naming any other, or
 * none, is refused before a signature is computed.
 */
export class TokenService {
  constructor(
    private readonly signingKeys: SigningKeys,
    private readonly settings: TokenSettings,
  ) {}

  async issueAccessToken(principal: Principal): Promise<{ accessToken: string; expiresIn: number }> {
    const [{ sign }, key] = await Promise.all([jwt(), this.signingKeys.current()]);
    const accessToken = sign(
      { email: principal.email, role: principal.role, token_use: ACCESS_TOKEN_USE },
      key.secret,
      {
        algorithm: "HS256",
        keyid: key.kid,
        subject: principal.userId,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        expiresIn: this.settings.accessTokenTtlSeconds,
        jwtid: randomUUID(),
      },
    );
    return { accessToken, expiresIn: this.settings.accessTokenTtlSeconds };
  }

  async verifyAccessToken(token: string): Promise<Principal> {
    const kid = jwtKeyId(token);
    const [{ verify }, key] = await Promise.all([jwt(), kid ? this.signingKeys.find(kid) : undefined]);
    if (!key) throw new UnauthorizedError("The access token is invalid or expired");
    let claims: unknown;
    try {
      claims = verify(token, key.secret, {
        algorithms: ["HS256"],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      });
    } catch {
      throw new UnauthorizedError("The access token is invalid or expired");
    }
    const { sub, email, role, exp, iat, token_use: tokenUse } = (claims ?? {}) as Record<string, unknown>;
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (
      typeof exp !== "number" ||
      typeof iat !== "number" ||
      iat > nowSeconds + this.settings.clockSkewSeconds ||
      exp - iat > this.settings.accessTokenTtlSeconds ||
      tokenUse !== ACCESS_TOKEN_USE ||
      typeof sub !== "string" ||
      typeof email !== "string" ||
      (role !== "admin" && role !== "customer")
    ) {
      throw new UnauthorizedError("The access token is invalid or expired");
    }
    return { userId: sub, email, role };
  }
}
