/**
 * The real local stand-ins for the app tests: one DynamoDB Local (in memory) and one s3rver per test
 * run, started on first use and stopped by the root hook. Each test context gets its own table prefix,
 * so suites never see each other's data.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { loadApiConfig, type ApiConfig } from "../../app/config";
import { documentClient, type AwsClients } from "../../app/aws/clients";
import { createDependencies } from "../../app/container";
import { UserRepository } from "../../app/repositories/user-repository";
import { authLimitSettings } from "../../app/services/auth-limits";
import { PasswordHasher } from "../../app/services/password-hasher";
import { physicalTableName, tableList } from "../../app/data/tables";
import type { AppDependencies } from "../../app/http/create-app";
import { createApp } from "../../app/http/create-app";
import { ensureTables } from "../../app/local/create-resources";
import { keySetFileLoader } from "../../app/local/key-set-file";
import { startLocalEnvironment, type LocalEnvironment } from "../../app/local/local-environment";
import type { AuditEvent, AppLogger } from "../../app/observability/logger";
import type { ShopMetrics } from "../../app/observability/metrics";
import type { Express } from "express";

let environment: Promise<{ local: LocalEnvironment; dataDir: string }> | undefined;

export function localEnvironment(): Promise<{ local: LocalEnvironment; dataDir: string }> {
  environment ??= (async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-test-"));
    const local = await startLocalEnvironment({
      dataDir,
      persistent: false,
      tablePrefix: "shop-test",
      bucket: "shop-test-reports",
    });
    return { local, dataDir };
  })();
  return environment;
}

export async function stopLocalEnvironment(): Promise<void> {
  if (!environment) return;
  const { local, dataDir } = await environment;
  environment = undefined;
  await local.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

export const swaggerUiDir = path.dirname(createRequire(__filename).resolve("swagger-ui-dist/package.json"));

export const silentLogger: AppLogger & { errors: unknown[] } = {
  errors: [],
  debug() {},
  info() {},
  warn() {},
  error(...args: unknown[]) {
    silentLogger.errors.push(args);
  },
};

export interface RecordedMetrics extends ShopMetrics {
  readonly ordersPlaced: number[];
  failedLogins: number;
  /** The reason of each throttle refusal (AuthRefusals). */
  readonly authRefusals: string[];
  /** `dependency:failure` of each 503 answered because of a dependency. */
  readonly dependencyFailures: string[];
}

/**
 * Every supertest request comes from 127.0.0.1, so suites that register and log in dozens of accounts would
 * hit the per-source throttles; they get these. The throttle tests pass `productionAuthLimits`.
 */
const sameSourceSuiteLimits: Record<string, string> = {
  LOGIN_SOURCE_BURST_LIMIT: "10000",
  LOGIN_SOURCE_LIMIT: "10000",
  REGISTER_SOURCE_BURST_LIMIT: "10000",
  REGISTER_SOURCE_LIMIT: "10000",
};

/** The default auth limits (app/services/auth-limits.ts), as environment variables. */
export const productionAuthLimits: Record<string, string> = Object.fromEntries(
  Object.values(authLimitSettings).map((s) => [s.envVar, String(s.fallback)]),
);

export interface TestContext {
  readonly app: Express;
  readonly deps: AppDependencies;
  readonly config: ApiConfig;
  readonly audit: AuditEvent[];
  readonly metrics: RecordedMetrics;
  readonly tablePrefix: string;
  /** For the operator-side admin bootstrap. */
  readonly users: UserRepository;
  readonly passwords: PasswordHasher;
  /** Moves the context's clock (services read time only through it). */
  setNow(date: Date | undefined): void;
  /** The key the app signs with now and its id, for tests that forge tokens (local key sources only). */
  signingKey(): Promise<{ kid: string; secret: string }>;
}

const jwtKeySources = ["JWT_SECRET_ARN", "JWT_KEYS_FILE", "JWT_SECRET"];

/** A context given a JWT key source of its own uses only that one, not the local environment's too. */
function withoutKeySources(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string>,
): Record<string, string | undefined> {
  if (!jwtKeySources.some((name) => name in overrides)) return env;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !jwtKeySources.includes(name)));
}

/**
 * A fresh app over fresh tables in the shared DynamoDB Local, with recording audit and metrics sinks.
 * `clients`: AWS clients of the app's own (the fault tests point them at a proxy); the tables are created
 * directly, whatever the clients reach.
 */
export async function createTestContext(
  overrides: Record<string, string> = {},
  options: { clients?: AwsClients; logger?: AppLogger } = {},
): Promise<TestContext> {
  await localEnvironment();
  const tablePrefix = `t-${randomUUID().slice(0, 8)}`;
  const tableEnv = Object.fromEntries(tableList.map((t) => [t.envVar, physicalTableName(tablePrefix, t)]));
  const client = new DynamoDBClient({});
  await ensureTables(client, (t) => tableEnv[t.envVar]);
  client.destroy();

  const config = loadApiConfig({
    ...withoutKeySources(process.env, overrides),
    ...tableEnv,
    PASSWORD_SCRYPT_LOG_N: "10",
    ...sameSourceSuiteLimits,
    ...overrides,
  });
  const audit: AuditEvent[] = [];
  const metrics: RecordedMetrics = {
    ordersPlaced: [],
    failedLogins: 0,
    authRefusals: [],
    dependencyFailures: [],
    orderPlaced(totalCents) {
      this.ordersPlaced.push(totalCents);
    },
    loginFailed() {
      this.failedLogins++;
    },
    authRefused(reason) {
      this.authRefusals.push(reason);
    },
    dependencyUnavailable(dependency, failure) {
      this.dependencyFailures.push(`${dependency}:${failure}`);
    },
  };
  let fixedNow: Date | undefined;
  const deps = createDependencies(config, {
    audit: (event) => audit.push(event),
    metrics,
    logger: options.logger ?? silentLogger,
    swaggerUiDir,
    clients: options.clients,
    now: () => fixedNow ?? new Date(),
  });
  return {
    app: createApp(deps),
    deps,
    config,
    audit,
    metrics,
    tablePrefix,
    users: new UserRepository(options.clients?.documentClient ?? documentClient, config.tableNames.users),
    passwords: new PasswordHasher(config.passwordScryptLogN),
    setNow: (date) => (fixedNow = date),
    signingKey: async () => {
      if (config.jwt.secret) return { kid: "static", secret: config.jwt.secret };
      if (!config.jwt.keysFile) throw new Error("signingKey(): the context's keys are in Secrets Manager");
      const { current } = await keySetFileLoader(config.jwt.keysFile)();
      return { kid: current.kid, secret: current.secret.toString("utf8") };
    },
  };
}
