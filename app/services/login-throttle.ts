import { TooManyRequestsError } from "../domain/errors";
import type { AttemptCounterRepository } from "../repositories/attempt-counter-repository";
import { normalizeEmail } from "../repositories/user-repository";
import type { AuthLimits, RefusalReason } from "./auth-limits";

export { refusalReasons, sourceRefusalReasons, type RefusalReason } from "./auth-limits";

const messages: Record<RefusalReason, string> = {
  "login-account-source": "Too many failed logins for this account from your address; try again later",
  "login-source-burst": "Too many failed logins from your address; slow down",
  "login-source": "Too many failed logins from your address; try again later",
  "login-account":
    "Too many failed logins for this account from new devices; try again later, or from a device you logged in with before",
  "login-device": "Too many failed logins from this device; try again later",
  "register-source-burst": "Too many registrations from your address; slow down",
  "register-source": "Too many registrations from your address; try again later",
};

export class ThrottledError extends TooManyRequestsError {
  constructor(
    readonly reason: RefusalReason,
    retryAfterSeconds: number,
  ) {
    super(messages[reason], retryAfterSeconds);
  }
}

interface Counter {
  readonly reason: RefusalReason;
  readonly subject: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The counter items a request has counted an attempt in; settled once the password check has decided. */
export interface Reservation {
  readonly counted: readonly string[];
}

/**
 * The key a source address is counted under. IPv4 (and IPv4-mapped IPv6) addresses count as themselves;
 * IPv6 addresses by their /64, since one subscriber usually holds a whole /64 and could otherwise change
 * address for every guess. An unknown address shares one counter with every other unknown one.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}

/**
 * The login and registration throttles (limits in ./auth-limits). Every attempt is counted before the
 * password is checked, most specific counter first, each with a conditional update: a burst cannot get
 * more guesses than a limit, and an attempt refused by one counter gives back what it took from the
 * earlier ones, so a refused attempt is never counted as a guess.
 */
export class LoginThrottle {
  constructor(
    private readonly counters: AttemptCounterRepository,
    private readonly limits: AuthLimits,
    private readonly now: () => Date,
  ) {}

  /**
   * A login without a (valid) device token: judged by the account-and-source counter, the source's burst
   * and long counters, and the account's counter for unproven sources.
   */
  reserveLogin(email: string, source: string): Promise<Reservation> {
    const l = this.limits;
    const account = normalizeEmail(email);
    return this.reserve([
      {
        reason: "login-account-source",
        subject: `${account}#${source}`,
        limit: l.loginAccountSourceLimit,
        windowSeconds: l.loginAccountWindowSeconds,
      },
      {
        reason: "login-source-burst",
        subject: source,
        limit: l.loginSourceBurstLimit,
        windowSeconds: l.loginSourceBurstWindowSeconds,
      },
      {
        reason: "login-source",
        subject: source,
        limit: l.loginSourceLimit,
        windowSeconds: l.loginSourceWindowSeconds,
      },
      {
        reason: "login-account",
        subject: account,
        limit: l.loginAccountLimit,
        windowSeconds: l.loginAccountWindowSeconds,
      },
    ]);
  }

  /** A login presenting a valid device token for the account: judged by that device's counter alone. */
  reserveDeviceLogin(deviceId: string): Promise<Reservation> {
    return this.reserve([
      {
        reason: "login-device",
        subject: deviceId,
        limit: this.limits.loginDeviceLimit,
        windowSeconds: this.limits.loginAccountWindowSeconds,
      },
    ]);
  }

  /** Every registration attempt counts, successful or not. */
  async reserveRegistration(source: string): Promise<void> {
    const l = this.limits;
    await this.reserve([
      {
        reason: "register-source-burst",
        subject: source,
        limit: l.registerSourceBurstLimit,
        windowSeconds: l.registerSourceBurstWindowSeconds,
      },
      {
        reason: "register-source",
        subject: source,
        limit: l.registerSourceLimit,
        windowSeconds: l.registerSourceWindowSeconds,
      },
    ]);
  }

  /**
   * The password was right: each counter gives back this one attempt, and only it. Failures stay counted
   * until their window ends, even the owner's own, so no success (or burst around one) ever makes room
   * for more wrong guesses than the limit.
   */
  async loginSucceeded(reservation: Reservation): Promise<void> {
    await Promise.all(reservation.counted.map((key) => this.counters.decrement(key)));
  }

  private async reserve(counters: readonly Counter[]): Promise<Reservation> {
    const nowSeconds = this.now().getTime() / 1000;
    const counted: string[] = [];
    for (const counter of counters) {
      const window = Math.floor(nowSeconds / counter.windowSeconds);
      const windowEnd = (window + 1) * counter.windowSeconds;
      const key = `${counter.reason}#${counter.subject}#${window}`;
      if (!(await this.counters.tryIncrement(key, counter.limit, windowEnd))) {
        await Promise.all(counted.map((earlier) => this.counters.decrement(earlier)));
        throw new ThrottledError(counter.reason, Math.max(1, Math.ceil(windowEnd - nowSeconds)));
      }
      counted.push(key);
    }
    return { counted };
  }
}
