/**
 * Configuration: read from environment variables once at start, validated, and frozen. A missing or
 * malformed variable stops the process with one message naming every problem, not a failure later on.
 *
 * The rules below are enforced by zod schemas (./config-schemas). A healthy start does not need zod, though:
 * loading it is a sizeable part of a Lambda cold start, so the environment is first checked against the
 * same rules directly, and the schemas are loaded only when that check fails, to name every problem the
 * way they always have. The quick check accepts only what the schemas accept, and yields the same values.
 */
import type { ZodType } from "zod";
import type { ConfigRules } from "./config-schemas";
import { tables, type TableKey } from "./data/tables";
import { authLimitProblems, authLimitSettings, type AuthLimits } from "./services/auth-limits";

export type TableNames = Readonly<Record<TableKey, string>>;

export interface ApiConfig {
  readonly serviceName: string;
  readonly tableNames: TableNames;
  readonly reportsBucket: string;
  readonly jwt: {
    /** Secrets Manager secret holding the HS256 key (in AWS). */
    readonly secretArn?: string;
    /** The key itself (local runs only): one fixed key, no rotation. */
    readonly secret?: string;
    /** A local key-set file (app/local/key-set-file.ts) that `npm run keys:rotate` rotates. */
    readonly keysFile?: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
  };
  /** scrypt cost as log2(N); each step doubles the time and memory of a password hash. */
  readonly passwordScryptLogN: number;
  /** Login and registration throttles, device-token lifetime, token clock skew (app/services/auth-limits.ts). */
  readonly authLimits: AuthLimits;
  /** Where Swagger UI's static files are; unset means the `swagger-ui-dist` package. */
  readonly swaggerUiDir?: string;
}

export interface ReportJobConfig {
  readonly serviceName: string;
  readonly ordersTable: string;
  readonly reportsBucket: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Parsed = Record<string, string | number | undefined>;

const RULES = {
  tableVariables: Object.values(tables).map((t) => t.envVar),
  ordersTableVariable: tables.orders.envVar,
  apiNameDefaults: {
    POWERTOOLS_SERVICE_NAME: "shop-api",
    JWT_ISSUER: "shop-api",
    JWT_AUDIENCE: "shop-api-clients",
  },
  reportServiceName: "shop-report",
  secretArn: /^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+$/,
  minSecretLength: 32,
  integers: {
    ACCESS_TOKEN_TTL_SECONDS: { min: 60, max: 3600, fallback: 900 },
    REFRESH_TOKEN_TTL_SECONDS: { min: 3600, max: 90 * 86_400, fallback: 30 * 86_400 },
    PASSWORD_SCRYPT_LOG_N: { min: 10, max: 20, fallback: 15 },
    ...Object.fromEntries(
      Object.values(authLimitSettings).map(({ envVar, min, max, fallback }) => [
        envVar,
        { min, max, fallback },
      ]),
    ),
  },
  oneJwtKey: "set exactly one of JWT_SECRET_ARN (in AWS), JWT_KEYS_FILE or JWT_SECRET (local runs)",
  exactlyOneJwtKey,
} as const satisfies ConfigRules;

// Synchronous on purpose: configuration is read while the handler module loads, and only an environment
// that failed the quick check gets this far.
const schemas = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("./config-schemas") as typeof import("./config-schemas")).configSchemas(RULES);

function parse(schema: ZodType, env: Env): Parsed {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`),
    );
  }
  return result.data as Parsed;
}

interface QuickRules {
  /** Required names: trimmed, non-empty. */
  readonly names: readonly string[];
  /** Names with a default for when they are unset (set but blank is still an error). */
  readonly nameDefaults: Readonly<Record<string, string>>;
  readonly integers?: ConfigRules["integers"];
  /** Optional strings, taken as given when the test passes. */
  readonly optional?: Readonly<Record<string, (value: string) => boolean>>;
}

/** The quick check: the values the schemas would produce when every variable is well-formed, else undefined. */
function quickParse(env: Env, rules: QuickRules): Parsed | undefined {
  const parsed: Parsed = {};
  for (const key of [...rules.names, ...Object.keys(rules.nameDefaults)]) {
    const value = env[key];
    if (value === undefined && key in rules.nameDefaults) {
      parsed[key] = rules.nameDefaults[key];
      continue;
    }
    const trimmed = value?.trim();
    if (!trimmed) return undefined;
    parsed[key] = trimmed;
  }
  for (const [key, { min, max, fallback }] of Object.entries(rules.integers ?? {})) {
    const value = env[key];
    const number = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(number) || number < min || number > max) return undefined;
    parsed[key] = number;
  }
  for (const [key, valid] of Object.entries(rules.optional ?? {})) {
    const value = env[key];
    if (value !== undefined && !valid(value)) return undefined;
    parsed[key] = value;
  }
  return parsed;
}

function parseApiEnv(env: Env): Parsed {
  const quick = quickParse(env, {
    names: [...RULES.tableVariables, "REPORTS_BUCKET"],
    nameDefaults: RULES.apiNameDefaults,
    integers: RULES.integers,
    optional: {
      JWT_SECRET_ARN: (value) => RULES.secretArn.test(value),
      JWT_SECRET: (value) => value.length >= RULES.minSecretLength,
      JWT_KEYS_FILE: (value) => value.length >= 1,
      SWAGGER_UI_DIR: (value) => value.length >= 1,
    },
  });
  if (quick && exactlyOneJwtKey(quick)) return quick;
  return parse(schemas().api, env);
}

/** Where the JWT keys come from: exactly one source, so no environment can mix AWS and a local key. */
export function exactlyOneJwtKey(env: Readonly<Record<string, unknown>>): boolean {
  return [env.JWT_SECRET_ARN, env.JWT_KEYS_FILE, env.JWT_SECRET].filter(Boolean).length === 1;
}

function parseReportEnv(env: Env): Parsed {
  const quick = quickParse(env, {
    names: [RULES.ordersTableVariable, "REPORTS_BUCKET"],
    nameDefaults: { POWERTOOLS_SERVICE_NAME: RULES.reportServiceName },
  });
  return quick ?? parse(schemas().report, env);
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const parsed = parseApiEnv(env);
  const tableNames = Object.fromEntries(
    Object.entries(tables).map(([key, t]) => [key, String(parsed[t.envVar])]),
  ) as Record<TableKey, string>;
  const authLimits = Object.fromEntries(
    Object.entries(authLimitSettings).map(([name, s]) => [name, Number(parsed[s.envVar])]),
  ) as Record<keyof AuthLimits, number>;
  const limitProblems = authLimitProblems(authLimits);
  if (limitProblems.length > 0) throw new ConfigError(limitProblems);
  return Object.freeze({
    serviceName: String(parsed.POWERTOOLS_SERVICE_NAME),
    tableNames: Object.freeze(tableNames),
    reportsBucket: String(parsed.REPORTS_BUCKET),
    jwt: Object.freeze({
      secretArn: parsed.JWT_SECRET_ARN as string | undefined,
      secret: parsed.JWT_SECRET as string | undefined,
      keysFile: parsed.JWT_KEYS_FILE as string | undefined,
      issuer: String(parsed.JWT_ISSUER),
      audience: String(parsed.JWT_AUDIENCE),
      accessTokenTtlSeconds: Number(parsed.ACCESS_TOKEN_TTL_SECONDS),
      refreshTokenTtlSeconds: Number(parsed.REFRESH_TOKEN_TTL_SECONDS),
    }),
    passwordScryptLogN: Number(parsed.PASSWORD_SCRYPT_LOG_N),
    authLimits: Object.freeze(authLimits),
    swaggerUiDir: parsed.SWAGGER_UI_DIR as string | undefined,
  });
}

export function loadReportJobConfig(env: Env = process.env): ReportJobConfig {
  const parsed = parseReportEnv(env) as Record<string, string>;
  return Object.freeze({
    serviceName: parsed.POWERTOOLS_SERVICE_NAME,
    ordersTable: parsed[tables.orders.envVar],
    reportsBucket: parsed.REPORTS_BUCKET,
  });
}

export interface KeyRotationConfig {
  readonly serviceName: string;
  /** The one secret the rotation function rotates; an event naming another is refused. */
  readonly secretArn: string;
}

export function loadKeyRotationConfig(env: Env = process.env): KeyRotationConfig {
  const secretArn = env.JWT_SECRET_ARN?.trim() ?? "";
  if (!RULES.secretArn.test(secretArn))
    throw new ConfigError(["JWT_SECRET_ARN: must be a Secrets Manager secret ARN"]);
  return Object.freeze({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || "shop-key-rotation",
    secretArn,
  });
}
