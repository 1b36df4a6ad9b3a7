/**
 * The composition root: builds repositories and services from validated configuration. Every entry point
 * (Lambda, report job, local server, tests) gets its object graph here, so there is one wiring.
 */
import type { ApiConfig } from "./config";
import { processClients, type AwsClients } from "./aws/clients";
import type { AppDependencies } from "./http/create-app";
import { createLogger, loggerAuditSink, type AppLogger, type AuditSink } from "./observability/logger";
import { createEmfMetrics, type ShopMetrics } from "./observability/metrics";
import { AttemptCounterRepository } from "./repositories/attempt-counter-repository";
import { OrderRepository } from "./repositories/order-repository";
import { ProductRepository } from "./repositories/product-repository";
import { ReportStore } from "./repositories/report-store";
import { SessionRepository } from "./repositories/session-repository";
import { TokenRevocationRepository } from "./repositories/token-revocation-repository";
import { UserRepository } from "./repositories/user-repository";
import { WeeklyOrderReader } from "./repositories/weekly-order-reader";
import { AuthService } from "./services/auth-service";
import { CursorCodec } from "./services/cursor-codec";
import { DeviceTokens } from "./services/device-tokens";
import { LoginThrottle } from "./services/login-throttle";
import { OrderService } from "./services/order-service";
import { PasswordHasher } from "./services/password-hasher";
import { ProductService } from "./services/product-service";
import { ReportService } from "./services/report-service";
import { keySetFileLoader } from "./local/key-set-file";
import {
  cachedSigningKeys,
  localFileKeyTiming,
  secretsManagerKeySet,
  secretsManagerKeyTiming,
  staticSigningKeys,
  type SigningKeys,
} from "./services/signing-key";
import { TokenService } from "./services/token-service";

export interface ContainerOverrides {
  readonly logger?: AppLogger;
  readonly audit?: AuditSink;
  readonly metrics?: ShopMetrics;
  readonly now?: () => Date;
  readonly swaggerUiDir?: string;
  /** Other AWS clients than the process's own (the fault-injection tests point them at a proxy). */
  readonly clients?: AwsClients;
}

/** The key set of the configured source; the cache reads time through `now`, like the services. */
function signingKeysFor(
  config: ApiConfig,
  secretsManagerClient: AwsClients["secretsManagerClient"],
  now: () => Date,
): SigningKeys {
  const clock = () => now().getTime();
  if (config.jwt.secretArn)
    return cachedSigningKeys(
      secretsManagerKeySet(config.jwt.secretArn, secretsManagerClient),
      secretsManagerKeyTiming,
      clock,
    );
  if (config.jwt.keysFile)
    return cachedSigningKeys(keySetFileLoader(config.jwt.keysFile), localFileKeyTiming, clock);
  return staticSigningKeys(config.jwt.secret!);
}

export function createDependencies(config: ApiConfig, overrides: ContainerOverrides = {}): AppDependencies {
  const now = overrides.now ?? (() => new Date());
  const logger = overrides.logger ?? createLogger(config.serviceName);
  const metrics = overrides.metrics ?? createEmfMetrics(config.serviceName);
  const names = config.tableNames;
  const { documentClient, s3Client, secretsManagerClient } = overrides.clients ?? processClients;

  const orderRepository = new OrderRepository(
    documentClient,
    names.orders,
    names.products,
    names.idempotencyKeys,
  );
  const productRepository = new ProductRepository(documentClient, names.products);
  const signingKeys = signingKeysFor(config, secretsManagerClient, now);
  const cursors = new CursorCodec(signingKeys);
  const tokens = new TokenService(signingKeys, {
    ...config.jwt,
    clockSkewSeconds: config.authLimits.tokenClockSkewSeconds,
  });
  const revocations = new TokenRevocationRepository(documentClient, names.tokenRevocations);

  return {
    tokens,
    auth: new AuthService({
      users: new UserRepository(documentClient, names.users),
      sessions: new SessionRepository(documentClient, names.sessions, names.refreshTokens),
      revocations,
      throttle: new LoginThrottle(
        new AttemptCounterRepository(documentClient, names.attemptCounters),
        config.authLimits,
        now,
      ),
      deviceTokens: new DeviceTokens(
        signingKeys,
        revocations,
        { issuer: config.jwt.issuer, ttlSeconds: config.authLimits.deviceTokenTtlSeconds },
        now,
      ),
      passwords: new PasswordHasher(config.passwordScryptLogN),
      tokens,
      metrics,
      refreshTokenTtlSeconds: config.jwt.refreshTokenTtlSeconds,
      deviceTokenTtlSeconds: config.authLimits.deviceTokenTtlSeconds,
      now,
    }),
    products: new ProductService(productRepository, cursors, now),
    orders: new OrderService(orderRepository, productRepository, cursors, metrics, now),
    reports: new ReportService(
      new WeeklyOrderReader(documentClient, names.orders),
      new ReportStore(s3Client, config.reportsBucket),
      now,
    ),
    logger,
    metrics,
    audit: overrides.audit ?? loggerAuditSink(logger),
    swaggerUiDir: overrides.swaggerUiDir ?? config.swaggerUiDir ?? defaultSwaggerUiDir(),
  };
}

/** In the Lambda image the bundle sits in /var/task/api and Swagger UI's files in /var/task/swagger-ui. */
function defaultSwaggerUiDir(): string {
  return `${__dirname}/../swagger-ui`;
}
