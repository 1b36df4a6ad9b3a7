/**
 * Configuration: read from environment variables once at start, validated, and frozen. A missing or
 * malformed variable stops the process with one message naming every problem, not a failure later on.
 */
import * as z from "zod";
import { tables, type TableKey } from "./data/tables";

export type TableNames = Readonly<Record<TableKey, string>>;

export interface ApiConfig {
  readonly serviceName: string;
  readonly tableNames: TableNames;
  readonly reportsBucket: string;
  readonly jwt: {
    /** Secrets Manager secret holding the HS256 key (in AWS). */
    readonly secretArn?: string;
    /** The key itself (local runs only). */
    readonly secret?: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
  };
  /** scrypt cost as log2(N); each step doubles the time and memory of a password hash. */
  readonly passwordScryptLogN: number;
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

const name = z.string().trim().min(1, "must be set");
const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int(`must be an integer`).min(min).max(max).default(fallback);

const tableEnv = Object.fromEntries(Object.values(tables).map((t) => [t.envVar, name])) as Record<
  string,
  typeof name
>;

const apiEnvSchema = z
  .object({
    ...tableEnv,
    POWERTOOLS_SERVICE_NAME: name.default("shop-api"),
    REPORTS_BUCKET: name,
    JWT_SECRET_ARN: z
      .string()
      .regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+$/, "must be a Secrets Manager secret ARN")
      .optional(),
    JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    JWT_ISSUER: name.default("shop-api"),
    JWT_AUDIENCE: name.default("shop-api-clients"),
    ACCESS_TOKEN_TTL_SECONDS: integer(60, 3600, 900),
    REFRESH_TOKEN_TTL_SECONDS: integer(3600, 90 * 86_400, 30 * 86_400),
    PASSWORD_SCRYPT_LOG_N: integer(10, 20, 15),
    SWAGGER_UI_DIR: z.string().min(1).optional(),
  })
  .refine((env) => Boolean(env.JWT_SECRET_ARN) !== Boolean(env.JWT_SECRET), {
    message: "set exactly one of JWT_SECRET_ARN (in AWS) or JWT_SECRET (local runs)",
    path: ["JWT_SECRET_ARN"],
  });

const reportEnvSchema = z.object({
  POWERTOOLS_SERVICE_NAME: name.default("shop-report"),
  [tables.orders.envVar]: name,
  REPORTS_BUCKET: name,
});

function parse<T extends z.ZodType>(schema: T, env: Env): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  return result.data;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const parsed = parse(apiEnvSchema, env) as Record<string, string | number | undefined>;
  const tableNames = Object.fromEntries(
    Object.entries(tables).map(([key, t]) => [key, String(parsed[t.envVar])]),
  ) as Record<TableKey, string>;
  return Object.freeze({
    serviceName: String(parsed.POWERTOOLS_SERVICE_NAME),
    tableNames: Object.freeze(tableNames),
    reportsBucket: String(parsed.REPORTS_BUCKET),
    jwt: Object.freeze({
      secretArn: parsed.JWT_SECRET_ARN as string | undefined,
      secret: parsed.JWT_SECRET as string | undefined,
      issuer: String(parsed.JWT_ISSUER),
      audience: String(parsed.JWT_AUDIENCE),
      accessTokenTtlSeconds: Number(parsed.ACCESS_TOKEN_TTL_SECONDS),
      refreshTokenTtlSeconds: Number(parsed.REFRESH_TOKEN_TTL_SECONDS),
    }),
    passwordScryptLogN: Number(parsed.PASSWORD_SCRYPT_LOG_N),
    swaggerUiDir: parsed.SWAGGER_UI_DIR as string | undefined,
  });
}

export function loadReportJobConfig(env: Env = process.env): ReportJobConfig {
  const parsed = parse(reportEnvSchema, env) as Record<string, string>;
  return Object.freeze({
    serviceName: parsed.POWERTOOLS_SERVICE_NAME,
    ordersTable: parsed[tables.orders.envVar],
    reportsBucket: parsed.REPORTS_BUCKET,
  });
}
