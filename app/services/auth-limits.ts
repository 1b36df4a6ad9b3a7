/**
 * The limits of the login and registration throttles, the device-token lifetime and the token clock skew:
 * every default with the reason for it, in one place. The app reads each from its environment variable
 * (app/config.ts); each is also a Pulumi config key (`shop-infra:<configKey>`, declared in Pulumi.yaml),
 * which the ApiService component passes to the function, so a stack can override any of them.
 *
 * All counters are fixed windows keyed by the window's number (floor(now / window)), so every counter of
 * one kind opens and closes at the same instants: within one account window a single source can add at
 * most `LOGIN_ACCOUNT_SOURCE_LIMIT` failures to that account's counter, which is why that limit must stay
 * below `LOGIN_ACCOUNT_LIMIT` (checked below): one source can then never lock an account.
 */

/** Why a login or registration was refused: the dimension of the `AuthRefusals` metric and the audit line. */
export type RefusalReason =
  | "login-account-source"
  | "login-source-burst"
  | "login-source"
  | "login-account"
  | "login-device"
  | "register-source-burst"
  | "register-source";

export const refusalReasons: readonly RefusalReason[] = [
  "login-account-source",
  "login-source-burst",
  "login-source",
  "login-account",
  "login-device",
  "register-source-burst",
  "register-source",
];

/** The reasons that name a source address: a spike of these is a source being throttled. */
export const sourceRefusalReasons: readonly RefusalReason[] = [
  "login-source-burst",
  "login-source",
  "register-source-burst",
  "register-source",
];

export interface AuthLimitSetting {
  readonly envVar: string;
  /** The key in Pulumi config (`shop-infra:<configKey>`). */
  readonly configKey: string;
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  /** Why the default is what it is (shown in Pulumi.yaml's description too). */
  readonly reason: string;
}

const minute = 60;
const hour = 60 * minute;
const day = 24 * hour;

function setting(envVar: string, fallback: number, min: number, max: number, reason: string) {
  const configKey = envVar
    .toLowerCase()
    .replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return { envVar, configKey, fallback, min, max, reason } satisfies AuthLimitSetting;
}

export const authLimitSettings = {
  loginSourceBurstLimit: setting(
    "LOGIN_SOURCE_BURST_LIMIT",
    10,
    1,
    10_000,
    "Failed logins one source address may make per burst window, across all emails. A person mistypes a few times; a script spraying one password over many emails is slowed to this rate at once.",
  ),
  loginSourceBurstWindowSeconds: setting(
    "LOGIN_SOURCE_BURST_WINDOW_SECONDS",
    minute,
    10,
    hour,
    "One minute: short enough that a household or office behind one address is only slowed, not refused.",
  ),
  loginSourceLimit: setting(
    "LOGIN_SOURCE_LIMIT",
    50,
    1,
    100_000,
    "Failed logins one source address may make per long window: once spent, the source is refused for the rest of the window, so spraying from one address yields at most 50 guesses an hour.",
  ),
  loginSourceWindowSeconds: setting(
    "LOGIN_SOURCE_WINDOW_SECONDS",
    hour,
    minute,
    day,
    "One hour: long enough to make credential stuffing from one address useless, short enough that a shared address recovers the same day.",
  ),
  loginAccountSourceLimit: setting(
    "LOGIN_ACCOUNT_SOURCE_LIMIT",
    5,
    1,
    1_000,
    "Failed logins for one email from one source per account window: the owner's typos fit, an attacker gets 5 guesses. Must stay below LOGIN_ACCOUNT_LIMIT, so one source can never lock the account.",
  ),
  loginAccountLimit: setting(
    "LOGIN_ACCOUNT_LIMIT",
    20,
    2,
    10_000,
    "Failed logins for one email from sources without a device token per account window, from all sources together: caps a distributed attack at 20 guesses per window and needs at least 4 attacking sources to reach. Devices that logged in before are not affected.",
  ),
  loginDeviceLimit: setting(
    "LOGIN_DEVICE_LIMIT",
    10,
    1,
    1_000,
    "Failed logins presenting one device token per account window: only the holder of the token (the owner's own device) feeds this counter, so it never locks anyone else.",
  ),
  loginAccountWindowSeconds: setting(
    "LOGIN_ACCOUNT_WINDOW_SECONDS",
    15 * minute,
    minute,
    day,
    "Fifteen minutes, the window of the account, account-and-source and device counters (one window, so one source's share of an account's count is bounded).",
  ),
  registerSourceBurstLimit: setting(
    "REGISTER_SOURCE_BURST_LIMIT",
    5,
    1,
    10_000,
    "Registrations one source may attempt per burst window (successful or not: a 409 tells whether an email has an account, so attempts are what is counted).",
  ),
  registerSourceBurstWindowSeconds: setting(
    "REGISTER_SOURCE_BURST_WINDOW_SECONDS",
    minute,
    10,
    hour,
    "One minute: slows a script at once and leaves a family signing up together unaffected.",
  ),
  registerSourceLimit: setting(
    "REGISTER_SOURCE_LIMIT",
    20,
    1,
    100_000,
    "Registrations one source may attempt per long window before it is refused for the rest of it.",
  ),
  registerSourceWindowSeconds: setting(
    "REGISTER_SOURCE_WINDOW_SECONDS",
    hour,
    minute,
    day,
    "One hour: a flood of fake accounts or of email probes from one address stops at 20 an hour.",
  ),
  deviceTokenTtlSeconds: setting(
    "DEVICE_TOKEN_TTL_SECONDS",
    90 * day,
    day,
    365 * day,
    "Ninety days: a device the owner uses every few weeks keeps its own login counter; every login renews it, and logout-all or a password change revokes it.",
  ),
  tokenClockSkewSeconds: setting(
    "TOKEN_CLOCK_SKEW_SECONDS",
    30,
    0,
    300,
    "Thirty seconds of tolerance for an iat slightly ahead of this instance's clock: Lambda hosts are NTP-synchronised, so more would only widen what a forged future iat can buy.",
  ),
} as const satisfies Record<string, AuthLimitSetting>;

export type AuthLimitName = keyof typeof authLimitSettings;

export type AuthLimits = Readonly<Record<AuthLimitName, number>>;

export const defaultAuthLimits: AuthLimits = Object.fromEntries(
  Object.entries(authLimitSettings).map(([name, s]) => [name, s.fallback]),
) as Record<AuthLimitName, number>;

/**
 * The rules between settings that their ranges cannot express; each problem names the variable (or, with
 * `nameOf`, the config key) to change.
 */
export function authLimitProblems(
  limits: AuthLimits,
  nameOf: (s: AuthLimitSetting) => string = (s) => s.envVar,
): string[] {
  const s = authLimitSettings;
  const problems: string[] = [];
  const below = (lower: AuthLimitName, upper: AuthLimitName, why: string) => {
    if (limits[lower] >= limits[upper])
      problems.push(`${nameOf(s[lower])}: must be below ${nameOf(s[upper])} (${why})`);
  };
  const atMost = (lower: AuthLimitName, upper: AuthLimitName, why: string) => {
    if (limits[lower] > limits[upper])
      problems.push(`${nameOf(s[lower])}: must be at most ${nameOf(s[upper])} (${why})`);
  };
  below("loginAccountSourceLimit", "loginAccountLimit", "otherwise one source can lock an account");
  atMost("loginSourceBurstLimit", "loginSourceLimit", "the burst is part of the long window");
  atMost("loginSourceBurstWindowSeconds", "loginSourceWindowSeconds", "the burst window is the shorter");
  atMost("registerSourceBurstLimit", "registerSourceLimit", "the burst is part of the long window");
  atMost(
    "registerSourceBurstWindowSeconds",
    "registerSourceWindowSeconds",
    "the burst window is the shorter",
  );
  return problems;
}
