/**
 * The part of the AWS SDK the app uses for Secrets Manager, imported on first use; see ./dynamodb.ts. The
 * API only reads the JWT key (GetSecretValue); the rotation function also uses the other three.
 */
export {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
