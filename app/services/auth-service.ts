import { createHash, randomBytes, randomUUID } from "node:crypto";
import { ConflictError, TooManyRequestsError, UnauthorizedError } from "../domain/errors";
import type { Principal, User } from "../domain/models";
import type { LoginAttemptRepository } from "../repositories/login-attempt-repository";
import type { RefreshTokenRecord, SessionRepository } from "../repositories/session-repository";
import type { UserRepository } from "../repositories/user-repository";
import type { ShopMetrics } from "../observability/metrics";
import type { PasswordHasher } from "./password-hasher";
import type { TokenService } from "./token-service";

/** Ten failed logins for one email within fifteen minutes lock further attempts until the window ends. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
}

export interface AuthServiceDeps {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly loginAttempts: LoginAttemptRepository;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly metrics: ShopMetrics;
  readonly refreshTokenTtlSeconds: number;
  readonly now?: () => Date;
}

const INVALID_CREDENTIALS = "The email or password is incorrect";
const INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired or revoked";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export class AuthService {
  private readonly now: () => Date;

  constructor(private readonly deps: AuthServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async register(input: { email: string; password: string; name: string }): Promise<User> {
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

  async login(input: {
    email: string;
    password: string;
  }): Promise<{ pair: TokenPair; principal: Principal }> {
    const now = this.now().getTime();
    const window = await this.deps.loginAttempts.get(input.email);
    if (
      window &&
      window.failures >= LOGIN_FAILURE_LIMIT &&
      now < window.windowStart + LOGIN_FAILURE_WINDOW_MS
    ) {
      const retryAfter = Math.ceil((window.windowStart + LOGIN_FAILURE_WINDOW_MS - now) / 1000);
      throw new TooManyRequestsError("Too many failed logins for this account; try again later", retryAfter);
    }
    const user = await this.deps.users.findByEmail(input.email);
    const valid = user
      ? await this.deps.passwords.verify(input.password, user.passwordHash)
      : await this.deps.passwords.verifyDecoy(input.password);
    if (!user || !valid) {
      await this.deps.loginAttempts.recordFailure(input.email, now, LOGIN_FAILURE_WINDOW_MS);
      this.deps.metrics.loginFailed();
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    if (window) await this.deps.loginAttempts.clear(input.email);
    const principal: Principal = { userId: user.id, email: user.email, role: user.role };
    const sessionId = randomUUID();
    const expiresAt = Math.floor(now / 1000) + this.deps.refreshTokenTtlSeconds;
    const { token, record } = this.newRefreshToken(principal, sessionId, expiresAt);
    await this.deps.sessions.start({ sessionId, userId: user.id, expiresAt }, record);
    return { pair: await this.pair(principal, token), principal };
  }

  /**
   * Rotation: each refresh token works once. Presenting a spent one means it was copied, so the whole
   * session (every token descended from the same login) is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const current = await this.liveToken(refreshToken);
    const user = await this.deps.users.findByEmail(current.email);
    if (!user || user.id !== current.userId) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    const principal: Principal = { userId: user.id, email: user.email, role: user.role };
    const { token, record } = this.newRefreshToken(principal, current.sessionId, current.expiresAt);
    const outcome = await this.deps.sessions.rotate(current, record, this.now().toISOString());
    if (outcome === "already-spent")
      await this.deps.sessions.revokeSession(current.sessionId, this.now().toISOString());
    if (outcome !== "rotated") throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    return this.pair(principal, token);
  }

  /** Revokes the session the token belongs to. Unknown tokens are ignored, as RFC 7009 advises. */
  async logout(refreshToken: string): Promise<void> {
    const record = await this.deps.sessions.findToken(hashToken(refreshToken));
    if (record) await this.deps.sessions.revokeSession(record.sessionId, this.now().toISOString());
  }

  async me(principal: Principal): Promise<Pick<User, "id" | "email" | "name" | "role">> {
    const user = await this.deps.users.findByEmail(principal.email);
    if (!user || user.id !== principal.userId) throw new UnauthorizedError("The account no longer exists");
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  private async liveToken(refreshToken: string): Promise<RefreshTokenRecord> {
    const record = await this.deps.sessions.findToken(hashToken(refreshToken));
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (!record || record.expiresAt <= nowSeconds) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    if (record.spentAt) {
      await this.deps.sessions.revokeSession(record.sessionId, this.now().toISOString());
      throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    }
    return record;
  }

  private newRefreshToken(principal: Principal, sessionId: string, expiresAt: number) {
    const token = randomBytes(32).toString("base64url");
    const record: RefreshTokenRecord = {
      tokenHash: hashToken(token),
      sessionId,
      userId: principal.userId,
      email: principal.email,
      expiresAt,
    };
    return { token, record };
  }

  private async pair(principal: Principal, refreshToken: string): Promise<TokenPair> {
    const { accessToken, expiresIn } = await this.deps.tokens.issueAccessToken(principal);
    return { accessToken, refreshToken, tokenType: "Bearer", expiresIn };
  }
}
