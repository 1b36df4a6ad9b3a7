/** The part of the AWS SDK the app uses for S3 (the report store), imported on first use; see ./dynamodb.ts. */
export { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
