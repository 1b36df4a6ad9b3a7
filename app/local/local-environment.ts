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
import { ensureKeySetFile } from "./key-set-file";
import { startDynamoDbLocal, startS3Local, type LocalService } from "./local-aws";

export interface LocalEnvironmentOptions {
  /** Data directory: DynamoDB's files, s3rver's objects and the JWT key set live here. */
  readonly dataDir: string;
  /** Keep DynamoDB data on disk (the local server) or in memory (the tests). */
  readonly persistent: boolean;
  readonly tablePrefix?: string;
  readonly bucket?: string;
}

export interface LocalEnvironment {
  /** The variables set on process.env for the app's configuration. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The local JWT keys: JWT_SECRET (one fixed key) when set, else the key set in the data directory
 * (JWT_KEYS_FILE, created on first start), which `npm run keys:rotate` rotates while the server runs.
 */
function localJwtKeys(dataDir: string): Record<string, string> {
  if (process.env.JWT_SECRET) return { JWT_SECRET: process.env.JWT_SECRET };
  return { JWT_KEYS_FILE: ensureKeySetFile(dataDir) };
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const prefix = options.tablePrefix ?? "shop-local";
  const bucket = options.bucket ?? process.env.REPORTS_BUCKET ?? `${prefix}-reports`;
  const started: LocalService[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((service) => service.stop()));
  };

  try {
    const [dynamo, s3] = await Promise.all([
      process.env.AWS_ENDPOINT_URL_DYNAMODB
        ? undefined
        : startDynamoDbLocal({ dataDir: options.persistent ? path.join(dataDir, "dynamodb") : undefined }),
      process.env.AWS_ENDPOINT_URL_S3
        ? undefined
        : startS3Local({ directory: path.join(dataDir, "s3"), buckets: [bucket] }),
    ]);
    for (const service of [dynamo, s3]) if (service) started.push(service);

    const env: Record<string, string> = {
      AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
      AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? dynamo!.endpoint,
      AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3 ?? s3!.endpoint,
      REPORTS_BUCKET: bucket,
      ...localJwtKeys(dataDir),
    };
    // The SDK insists on credentials. DynamoDB Local accepts any; s3rver accepts only its fixed pair.
    if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
      env.AWS_ACCESS_KEY_ID = "S3RVER";
      env.AWS_SECRET_ACCESS_KEY = "S3RVER";
    }
    for (const table of tableList)
      env[table.envVar] = process.env[table.envVar] ?? physicalTableName(prefix, table);
    Object.assign(process.env, env);

    const dynamoClient = new DynamoDBClient({});
    const s3Client = new S3Client({ forcePathStyle: true });
    try {
      await ensureTables(dynamoClient, (table) => env[table.envVar]);
      await ensureBucket(s3Client, bucket);
    } finally {
      dynamoClient.destroy();
      s3Client.destroy();
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
