/**
 * The framework's floor: the floor handler's one `GetCommand`, behind Express 5 and serverless-http with
 * nothing of ours (one route, `res.json`). Between it and bench/floor/handler.ts is what the frameworks the
 * API is built on cost; between our handler and it, what our own layers cost (helmet, the middleware,
 * time budgets, failure classification, the lazy mounts).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import express from "express";
import serverless from "serverless-http";

const tableName = process.env.PRODUCTS_TABLE;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// Without helmet on purpose: its headers are one of our layers, which this floor leaves out. It never ships.
const app = express(); // nosemgrep: shop-express-app-without-helmet
app.get("/products/:id", async (req, res) => {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: { productId: req.params.id } }),
  );
  if (Item) res.json(Item);
  else res.status(404).end();
});

export const handler = serverless(app);
