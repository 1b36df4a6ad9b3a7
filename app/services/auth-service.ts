import { createHash, randomBytes, randomUUID } from "node:crypto";
import { ConflictError, UnauthorizedError } from "../domain/errors";
import type { Principal, User } from "../domain/models";
import type { RefreshTokenRecord, SessionRepository } from "../repositories/session-repository";
import type { TokenRevocationRepository } from "../repositories/token-revocation-repository";
import type { UserRepository } from "../repositories/user-repository";
import type { ShopMetrics } from "../observability/metrics";
import type { DeviceTokens } from "./device-tokens";
import { ThrottledError, type LoginThrottle } from "./login-throttle";
import type { PasswordHasher } from "./password-hasher";
import { openSuccessor, sealSuccessor } from "./refresh-successor";
import type { TokenService } from "./token-service";

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
}

export interface LoginResult extends TokenPair {
  /** Present it at the next login from this client: see DeviceTokens. */
  readonly deviceToken: string;
}

export interface AuthServiceDeps {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly revocations: TokenRevocationRepository;
  readonly throttle: LoginThrottle;
  readonly deviceTokens: DeviceTokens;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly metrics: ShopMetrics;
  readonly refreshTokenTtlSeconds: number;
  readonly deviceTokenTtlSeconds: number;
  readonly now?: () => Date;
}

const INVALID_CREDENTIALS = "The email or password is incorrect";
const INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired or revoked";

/**
 * How long after a rotation a retry with the spent token still gets the same successor: long enough for a
 * client to retry after API Gateway's 30 s timeout, short enough that a token copied later is still caught.
 */
export const REFRESH_RETRY_WINDOW_SECONDS = 60;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export class AuthService {
  private readonly now: () => Date;

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** `source` is the client's address as the network saw it (never a header the client writes). */
  async register(input: { email: string; password: string; name: string }, source: string): Promise<User> {
    await this.counted(this.deps.throttle.reserveRegistration(source));
    const user = {
      id: randomUUID(),
      email: input.email.trim(),
      name: input.name,
      role: "customer" as const,
      createdAt: this.now().toISOString(),
    };
    const created = await this.deps.users.create({
      ...user,
      passwordHash: await this.deps.passwords.hash(input.password),
    });
    if (!created) throw new ConflictError("An account with this email already exists");
    return user;
  }

  /**
   * The attempt is counted before the password is checked (see LoginThrottle). A valid device token for
   * this account puts the attempt under the device's own counter instead of the source's and account's:
   * strangers can fill those, never the owner's device's.
   */
  async login(
    input: { email: string; password: string; deviceToken?: string },
    source: string,
  ): Promise<{ result: LoginResult; principal: Principal }> {
    const user = await this.deps.users.findByEmail(input.email);
    const deviceId = input.deviceToken
      ? await this.deps.deviceTokens.verify(input.deviceToken, user)
      : undefined;
    const reservation = await this.counted(
      deviceId
        ? this.deps.throttle.reserveDeviceLogin(deviceId)
        : this.deps.throttle.reserveLogin(input.email, source),
    );
    const valid = user
      ? await this.deps.passwords.verify(input.password, user.passwordHash)
      : await this.deps.passwords.verifyDecoy(input.password);
    if (!user || !valid) {
      this.deps.metrics.loginFailed();
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    await this.deps.throttle.loginSucceeded(reservation);
    const principal: Principal = { userId: user.id, email: user.email, role: user.role };
    const nowMs = this.now().getTime();
    const sessionId = randomUUID();
    const expiresAt = Math.floor(nowMs / 1000) + this.deps.refreshTokenTtlSeconds;
    const { token, record } = this.newRefreshToken(principal, sessionId, expiresAt, nowMs);
    await this.deps.sessions.start({ sessionId, userId: user.id, expiresAt }, record);
    const [pair, deviceToken] = await Promise.all([
      this.pair(principal, token),
      this.deps.deviceTokens.issue(user),
    ]);
    return { result: { ...pair, deviceToken }, principal };
  }

  /**
   * Revokes every refresh token and device token of the account issued until now. Access tokens already
   * issued stay valid until they expire (they are checked without a database read): at most the access
   * token TTL.
   */
  async logoutEverywhere(principal: Principal): Promise<void> {
    const nowMs = this.now().getTime();
    const longest = Math.max(this.deps.refreshTokenTtlSeconds, this.deps.deviceTokenTtlSeconds);
    await this.deps.revocations.revokeAllBefore(principal.userId, nowMs, Math.ceil(nowMs / 1000) + longest);
  }

  /**
   * Rotation: each refresh token works once. Presenting a spent one means it was copied, so the whole
   * session (every token descended from the same login) is revoked; except that within
   * REFRESH_RETRY_WINDOW_SECONDS of the rotation, while its successor is still unused, it is taken for a
   * client retrying a refresh whose answer it lost, and answered with that same successor.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const tokenHash = hashToken(refreshToken);
    const current = await this.deps.sessions.findToken(tokenHash);
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (!current || current.expiresAt <= nowSeconds) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    if (current.spentAt) return this.retriedRefresh(current, refreshToken);
    const principal = await this.sessionPrincipal(current);
    const { token, record } = this.newRefreshToken(
      principal,
      current.sessionId,
      current.expiresAt,
      current.sessionStartedAt ?? 0,
    );
    const sealed = sealSuccessor(token, refreshToken, tokenHash);
    const outcome = await this.deps.sessions.rotate(current, record, this.now().toISOString(), sealed);
    if (outcome === "rotated") return this.pair(principal, token);
    if (outcome === "already-spent") {
      // Spent between our read and our write: by a concurrent retry of the same client, or by a thief.
      const spent = await this.deps.sessions.findToken(tokenHash);
      if (spent?.spentAt) return this.retriedRefresh(spent, refreshToken);
      await this.deps.sessions.revokeSession(current.sessionId, this.now().toISOString());
    }
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }

  /** Revokes the session the token belongs to.  /** Revokes the session the token belongs to. Unknown tokens are ignored, as RFC 7009 advises. */
  async logout(refreshToken: string): Promise<void> {
    const record = await this.deps.sessions.findToken(hashToken(refreshToken));
    if (record) await this.deps.sessions.revokeSession(record.sessionId, this.now().toISOString());
  }

  async me(principal: Principal): Promise<Pick<User, "id" | "email" | "name" | "role">> {
    const user = await this.deps.users.findByEmail(principal.email);
    if (!user || user.id !== principal.userId) throw new UnauthorizedError("The account no longer exists");
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  /**
   * The principal a session's refresh acts for. A session from before the account's last "log out
   * everywhere" is revoked instead (older records carry no start: 0).
   */
  private async sessionPrincipal(record: RefreshTokenRecord): Promise<Principal> {
    const [user, revokedBefore] = await Promise.all([
      this.deps.users.findByEmail(record.email),
      this.deps.revocations.revokedBefore(record.userId),
    ]);
    if (!user || user.id !== record.userId) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    if ((record.sessionStartedAt ?? 0) <= revokedBefore) {
      await this.deps.sessions.revokeSession(record.sessionId, this.now().toISOString());
      throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    }
    return { userId: user.id, email: user.email, role: user.role };
  }

  /**
   * A spent token presented again: the same successor while the retry window lasts and the successor is
   * unused and its session live (a new access token with it: those are stateless); otherwise theft, and
   * the session is revoked.
   */
  private async retriedRefresh(spent: RefreshTokenRecord, refreshToken: string): Promise<TokenPair> {
    const now = this.now();
    const sinceSpentMs = now.getTime() - Date.parse(spent.spentAt ?? "");
    const successor =
      spent.successor && sinceSpentMs <= REFRESH_RETRY_WINDOW_SECONDS * 1000
        ? openSuccessor(spent.successor, refreshToken, spent.tokenHash)
        : undefined;
    if (successor) {
      const principal = await this.sessionPrincipal(spent);
      const outcome = await this.deps.sessions.confirmReplay(
        hashToken(successor),
        spent.sessionId,
        now.toISOString(),
      );
      if (outcome === "replayable") return this.pair(principal, successor);
    }
    await this.deps.sessions.revokeSession(spent.sessionId, now.toISOString());
    throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
  }

  private newRefreshToken(
    principal: Principal,
    sessionId: string,
    expiresAt: number,
    sessionStartedAt: number,
  ) {
    const token = randomBytes(32).toString("base64url");
    const record: RefreshTokenRecord = {
      tokenHash: hashToken(token),
      sessionId,
      userId: principal.userId,
      email: principal.email,
      expiresAt,
      sessionStartedAt,
    };
    return { token, record };
  }

  /** Counts each refusal in the metrics by its reason before it becomes a 429. */
  private async counted<T>(reservation: Promise<T>): Promise<T> {
    try {
      return await reservation;
    } catch (error) {
      if (error instanceof ThrottledError) this.deps.metrics.authRefused(error.reason);
      throw error;
    }
  }

  private async pair(principal: Principal, refreshToken: string): Promise<TokenPair> {
    const { accessToken, expiresIn } = await this.deps.tokens.issueAccessToken(principal);
    return { accessToken, refreshToken, tokenType: "Bearer", expiresIn };
  }
}
