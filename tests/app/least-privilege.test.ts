import assert from "node:assert/strict";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import request from "supertest";
import { documentClient } from "../../app/aws/clients";
import { apiTableAccess, tables, type TableKey } from "../../app/data/tables";
import { adminAccount, createProduct, registerAndLogin } from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

const ACTION_OF_TRANSACTION_ITEM: Record<string, string> = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "ConditionCheckItem",
};

/**
 * The IAM policy the infrastructure grants the API is derived from `apiTableAccess`. This test drives
 * every endpoint, records each DynamoDB call the app really makes, and checks the two agree exactly:
 * nothing used that is not granted, nothing granted that is not used.
 */
describe("Least privilege: the API's DynamoDB calls match apiTableAccess exactly", () => {
  let context: TestContext;
  const used = new Set<string>();

  before(async () => {
    context = await createTestContext();
    const client: DynamoDBDocumentClient = await documentClient();
    const tableKeyByName = new Map(
      Object.entries(context.config.tableNames).map(([key, name]) => [name, key as TableKey]),
    );
    const record = (tableName: string, action: string, indexName?: string) => {
      const key = tableKeyByName.get(tableName);
      if (key)
        used.add(indexName ? `${key}/index/${indexName}:dynamodb:${action}` : `${key}:dynamodb:${action}`);
    };
    client.middlewareStack.add(
      (next, middlewareContext) => async (args) => {
        const input = args.input as Record<string, unknown>;
        // The document client runs the low-level commands: the IAM action is the command's name.
        const action = (middlewareContext.commandName ?? "").replace(/Command$/, "");
        if (action === "TransactWriteItems") {
          for (const item of input.TransactItems as Record<string, { TableName: string }>[]) {
            for (const [kind, operation] of Object.entries(item))
              record(operation.TableName, ACTION_OF_TRANSACTION_ITEM[kind]);
          }
        } else if (action === "BatchGetItem") {
          for (const tableName of Object.keys(input.RequestItems as object)) record(tableName, action);
        } else {
          record(String(input.TableName), action, input.IndexName as string | undefined);
        }
        return next(args);
      },
      { step: "initialize", name: "recordIamActions" },
    );
  });

  after(async () => {
    (await documentClient()).middlewareStack.remove("recordIamActions");
  });

  it("exercises every endpoint and uses exactly the granted actions", async () => {
    const { app } = context;
    const admin = await adminAccount(context);
    const customer = await registerAndLogin(app);
    await request(app).post("/auth/login").send({ email: customer.email, password: "wrong password" });
    const relogged = await request(app)
      .post("/auth/login")
      .send({ email: customer.email, password: customer.password });
    const rotated = await request(app)
      .post("/auth/refresh")
      .send({ refreshToken: relogged.body.refreshToken });
    await request(app).post("/auth/refresh").send({ refreshToken: relogged.body.refreshToken });
    await request(app).post("/auth/logout").send({ refreshToken: rotated.body.refreshToken });
    await request(app).get("/auth/me").set(customer.auth);
    await request(app)
      .post("/auth/login")
      .send({ email: customer.email, password: customer.password, deviceToken: relogged.body.deviceToken });
    await request(app).post("/auth/logout-all").set(customer.auth);

    const product = await createProduct(app, admin, { category: "lp" });
    await request(app).get(`/products/${product.id}`);
    await request(app).get("/products").query({ category: "lp" });
    await request(app).get("/products");
    await request(app).patch(`/products/${product.id}`).set(admin.auth).send({ stock: 20 });
    const placed = await request(app)
      .post("/orders")
      .set(customer.auth)
      .set("Idempotency-Key", "lp-1")
      .send({ items: [{ productId: product.id, quantity: 1 }] });
    await request(app).get("/orders").set(customer.auth);
    await request(app).get(`/orders/${placed.body.id}`).set(customer.auth);
    await request(app).post(`/orders/${placed.body.id}/cancel`).set(customer.auth);
    await request(app).post("/admin/reports/weekly").set(admin.auth).send({});
    await request(app).delete(`/products/${product.id}`).set(admin.auth);

    const granted = new Set<string>();
    for (const [key, actions] of Object.entries(apiTableAccess)) {
      for (const action of actions) granted.add(`${key}:${action}`);
      for (const index of tables[key as TableKey].globalSecondaryIndexes)
        granted.add(`${key}/index/${index.name}:dynamodb:Query`);
    }
    assert.deepEqual(
      [...used].filter((call) => !granted.has(call)).sort(),
      [],
      "calls the IAM policy would deny",
    );
    assert.deepEqual([...granted].filter((grant) => !used.has(grant)).sort(), [], "grants no endpoint needs");
  });
});
