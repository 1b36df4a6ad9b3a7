/**
 * Everything the API needs to run on one machine: DynamoDB Local and s3rver (unless the standard
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3 variables point at running ones), the tables and the
 * reports bucket, and the environment variables the app's configuration reads.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { physicalTableName, tableList } from "../data/tables";
import { ensureBucket, ensureTables } from "./create-resources";
import { ConfigError } from "../config";
import { ensureKeySetFile, keySetFileName } from "./key-set-file";
import {
  assertJavaAvailable,
  LocalStartError,
  startDynamoDbLocal,
  startS3Local,
  type LocalService,
} from "./local-aws";

export interface LocalEnvironmentOptions {
  /** Data directory: DynamoDB's files, s3rver's objects and the JWT key set live here. */
  readonly dataDir: string;
  /** Keep DynamoDB data on disk (the local server) or in memory (the tests). */
  readonly persistent: boolean;
  readonly tablePrefix?: string;
  readonly bucket?: string;
}

/** A service the local run talks to: one it started, or the one an endpoint variable names. */
export interface LocalEndpoint {
  readonly endpoint: string;
  /** Started by this run (and stopped with it), rather than named by `variable`. */
  readonly started: boolean;
  /** The SDK's standard variable that points the app at another one. */
  readonly variable: "AWS_ENDPOINT_URL_DYNAMODB" | "AWS_ENDPOINT_URL_S3";
}

export interface LocalEnvironment {
  /** The variables set on process.env for the app's configuration. */
  readonly env: Readonly<Record<string, string>>;
  readonly dynamodb: LocalEndpoint;
  readonly s3: LocalEndpoint;
  stop(): Promise<void>;
}

/** What a local environment will set, worked out without starting or writing anything. */
export interface LocalEnvironmentPlan {
  /** The app's variables, endpoints aside (those are known once the services run). */
  readonly env: Readonly<Record<string, string>>;
  /** Problems with the endpoint variables, in ConfigError's form. */
  readonly problems: readonly string[];
}

const endpointVariables = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3"] as const;

function endpointProblem(variable: string): string | undefined {
  const value = process.env[variable];
  if (value === undefined) return undefined;
  const protocol = URL.canParse(value) ? new URL(value).protocol : undefined;
  return protocol === "http:" || protocol === "https:"
    ? undefined
    : `${variable}: must be an http:// or https:// URL, got ${JSON.stringify(value)}`;
}

/**
 * The local JWT keys: JWT_SECRET (one fixed key) when set, else the key set in the data directory
 * (JWT_KEYS_FILE, created on first start), which `npm run keys:rotate` rotates while the server runs.
 */
function localJwtKeys(dataDir: string): Record<string, string> {
  if (process.env.JWT_SECRET) return { JWT_SECRET: process.env.JWT_SECRET };
  return { JWT_KEYS_FILE: path.join(dataDir, keySetFileName) };
}

/**
 * The environment a local run will give the app, so that its configuration can be checked before
 * anything starts (a bad variable must not leave a JVM behind).
 */
export function planLocalEnvironment(options: LocalEnvironmentOptions): LocalEnvironmentPlan {
  const dataDir = path.resolve(options.dataDir);
  const prefix = options.tablePrefix ?? "shop-local";
  const env: Record<string, string> = {
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    REPORTS_BUCKET: options.bucket ?? process.env.REPORTS_BUCKET ?? `${prefix}-reports`,
    ...localJwtKeys(dataDir),
  };
  // The SDK insists on credentials. DynamoDB Local accepts any; s3rver accepts only its fixed pair.
  if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
    env.AWS_ACCESS_KEY_ID = "S3RVER";
    env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  }
  for (const table of tableList)
    env[table.envVar] = process.env[table.envVar] ?? physicalTableName(prefix, table);
  const problems = endpointVariables.map(endpointProblem).filter((p): p is string => p !== undefined);
  return { env, problems };
}

/** The code or name of a network failure (the SDK wraps some in an AggregateError), else undefined. */
function networkFailure(error: unknown): string | undefined {
  const failures = error instanceof AggregateError ? [error, ...error.errors] : [error];
  for (const failure of failures) {
    const { code, name } = (failure ?? {}) as { code?: unknown; name?: unknown };
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
    if (name === "TimeoutError") return "timed out";
  }
  return undefined;
}

/** A failure to set up tables or bucket, as one line naming the service, its address and its variable. */
function setupFailure(service: string, target: LocalEndpoint, error: unknown): LocalStartError {
  const network = networkFailure(error);
  const what = target.started ? `${service} (started by this run)` : service;
  const why = network
    ? `is not reachable (${network})`
    : `refused the setup (${String((error as Error)?.name ?? error)}: ${String((error as Error)?.message ?? "").replace(/\s+/g, " ")})`;
  const fix = target.started
    ? `or set ${target.variable} to a running one`
    : `start it, or change ${target.variable} (unset: npm start runs its own)`;
  return new LocalStartError(`${what} at ${target.endpoint} ${why}: ${fix}`, { cause: error });
}

/**
 * Starts what is missing and sets the app's variables on process.env. On any failure, and when `signal`
 * is aborted (Ctrl-C while starting), it stops whatever it had started before rejecting.
 */
export async function startLocalEnvironment(
  options: LocalEnvironmentOptions & { signal?: AbortSignal },
): Promise<LocalEnvironment> {
  const plan = planLocalEnvironment(options);
  if (plan.problems.length > 0) throw new ConfigError(plan.problems);
  const dataDir = path.resolve(options.dataDir);
  const bucket = plan.env.REPORTS_BUCKET;
  const started: LocalService[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((service) => service.stop()));
  };
  const startDynamoDb = !process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const startS3 = !process.env.AWS_ENDPOINT_URL_S3;

  try {
    if (startDynamoDb) assertJavaAvailable();
    mkdirSync(dataDir, { recursive: true });
    // Each service is recorded as soon as it runs, so a failure of the other one still stops it.
    const record = (service: LocalService) => {
      started.push(service);
      return service;
    };
    const [dynamo, s3] = await Promise.all([
      startDynamoDb
        ? startDynamoDbLocal({
            dataDir: options.persistent ? path.join(dataDir, "dynamodb") : undefined,
            signal: options.signal,
          }).then(record)
        : undefined,
      startS3
        ? startS3Local({ directory: path.join(dataDir, "s3"), buckets: [bucket] }).then(record)
        : undefined,
    ]);
    options.signal?.throwIfAborted();

    const dynamodb: LocalEndpoint = {
      endpoint: dynamo?.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB!,
      started: startDynamoDb,
      variable: "AWS_ENDPOINT_URL_DYNAMODB",
    };
    const objectStore: LocalEndpoint = {
      endpoint: s3?.endpoint ?? process.env.AWS_ENDPOINT_URL_S3!,
      started: startS3,
      variable: "AWS_ENDPOINT_URL_S3",
    };
    if (plan.env.JWT_KEYS_FILE) ensureKeySetFile(dataDir);
    const env: Record<string, string> = {
      ...plan.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: objectStore.endpoint,
    };
    Object.assign(process.env, env);

    // Bounded, so that an endpoint that never answers fails the start instead of hanging it.
    const bounded = {
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    };
    const dynamoClient = new DynamoDBClient(bounded);
    const s3Client = new S3Client({ ...bounded, forcePathStyle: true });
    try {
      await ensureTables(dynamoClient, (table) => env[table.envVar]).catch((error: unknown) => {
        throw setupFailure("DynamoDB", dynamodb, error);
      });
      await ensureBucket(s3Client, bucket).catch((error: unknown) => {
        throw setupFailure("S3", objectStore, error);
      });
    } finally {
      dynamoClient.destroy();
      s3Client.destroy();
    }
    options.signal?.throwIfAborted();
    return { env, dynamodb, s3: objectStore, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
