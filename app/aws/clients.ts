/**
 * AWS SDK clients, created on first use and then reused for the life of the process (connection reuse
 * matters on Lambda). The SDK modules are imported lazily so that loading the handler touches neither the
 * network nor the SDK's module graph: `/health` never pays for them.
 *
 * Endpoints follow the SDK's own configuration, including AWS_ENDPOINT_URL_DYNAMODB and
 * AWS_ENDPOINT_URL_S3, which is how the local run and the tests point them at DynamoDB Local and s3rver.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { once } from "../once";

export const documentClient = once<DynamoDBDocumentClient>(async () => {
  const { DynamoDBClient, DynamoDBDocumentClient } = await import("./sdk/dynamodb");
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
});

export const s3Client = once<S3Client>(async () => {
  const { S3Client } = await import("./sdk/s3");
  // s3rver (local) only speaks path-style URLs; real S3 accepts both.
  return new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
});

export const secretsManagerClient = once<SecretsManagerClient>(async () => {
  const { SecretsManagerClient } = await import("./sdk/secrets-manager");
  return new SecretsManagerClient({});
});
