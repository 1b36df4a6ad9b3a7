/**
 * The configuration's zod schemas. app/config.ts loads this module only to explain an environment that
 * failed its quick check, so a healthy start never loads zod; the rules themselves live in app/config.ts.
 */
import * as z from "zod";

export interface ConfigRules {
  readonly tableVariables: readonly string[];
  readonly ordersTableVariable: string;
  readonly apiNameDefaults: {
    readonly POWERTOOLS_SERVICE_NAME: string;
    readonly JWT_ISSUER: string;
    readonly JWT_AUDIENCE: string;
  };
  readonly reportServiceName: string;
  readonly secretArn: RegExp;
  readonly minSecretLength: number;
  /** ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, PASSWORD_SCRYPT_LOG_N and the auth limits. */
  readonly integers: Readonly<Record<string, IntegerRule>>;
  readonly oneJwtKey: string;
  readonly exactlyOneJwtKey: (env: Readonly<Record<string, unknown>>) => boolean;
}

export interface IntegerRule {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

export function configSchemas(rules: ConfigRules) {
  const name = z.string().trim().min(1, "must be set");
  const integer = ({ min, max, fallback }: IntegerRule) =>
    z.coerce.number().int(`must be an integer`).min(min).max(max).default(fallback);
  const tableEnv = Object.fromEntries(rules.tableVariables.map((envVar) => [envVar, name])) as Record<
    string,
    typeof name
  >;
  const api = z
    .object({
      ...tableEnv,
      POWERTOOLS_SERVICE_NAME: name.default(rules.apiNameDefaults.POWERTOOLS_SERVICE_NAME),
      REPORTS_BUCKET: name,
      JWT_SECRET_ARN: z.string().regex(rules.secretArn, "must be a Secrets Manager secret ARN").optional(),
      JWT_SECRET: z
        .string()
        .min(rules.minSecretLength, `must be at least ${rules.minSecretLength} characters`)
        .optional(),
      JWT_KEYS_FILE: z.string().min(1).optional(),
      JWT_ISSUER: name.default(rules.apiNameDefaults.JWT_ISSUER),
      JWT_AUDIENCE: name.default(rules.apiNameDefaults.JWT_AUDIENCE),
      ...Object.fromEntries(Object.entries(rules.integers).map(([key, rule]) => [key, integer(rule)])),
      SWAGGER_UI_DIR: z.string().min(1).optional(),
    })
    .refine((env) => rules.exactlyOneJwtKey(env), {
      message: rules.oneJwtKey,
      path: ["JWT_SECRET_ARN"],
    });
  const report = z.object({
    POWERTOOLS_SERVICE_NAME: name.default(rules.reportServiceName),
    [rules.ordersTableVariable]: name,
    REPORTS_BUCKET: name,
  });
  return { api, report };
}
