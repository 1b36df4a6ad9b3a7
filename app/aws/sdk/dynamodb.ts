/**
 * The part of the AWS SDK the app uses for DynamoDB, imported on first use (app/aws/clients.ts,
 * app/repositories/dynamo.ts). Naming exactly what is used lets the bundler leave out the rest of the
 * two packages (the other commands, paginators, waiters), which the first DynamoDB request would otherwise
 * load and compile; a command not listed here is a type error where it is used.
 */
export { DynamoDBClient } from "@aws-sdk/client-dynamodb";
export {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
