/** The part of the AWS SDK the app uses for Secrets Manager (the JWT key), imported on first use; see ./dynamodb.ts. */
export { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
