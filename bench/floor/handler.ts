/**
 * The API handler's floor: what `GET /products/{id}` cannot do without. One DynamoDB client made at
 * init, one `GetCommand` through lib-dynamodb per request, the item returned as JSON. No routing,
 * validation, middleware or logging: the bench compares our handler's cold start and warm latency to it.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

const tableName = process.env.PRODUCTS_TABLE;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const id = event.rawPath.slice("/products/".length);
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { productId: id } }));
  return Item
    ? { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(Item) }
    : { statusCode: 404, body: "" };
}
