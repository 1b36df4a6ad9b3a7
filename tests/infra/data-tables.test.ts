import assert from "node:assert/strict";
import { tableList, tables } from "../../app/data/tables";
import { DataTables, keyAttributes } from "../../components/data-tables";
import { defaultTestConfig, ofType, only, runUnderMocks } from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };

describe("DataTables", () => {
  it("creates every table of app/data/tables.ts with its keys, indexes and TTL, on demand, with PITR, SSE and deletion protection", async () => {
    const run = await runUnderMocks(() => {
      new DataTables("tables", { tableNamePrefix: "shop-test" });
    }, options);

    const created = ofType(run, "aws:dynamodb/table:Table");
    assert.equal(created.length, tableList.length);
    for (const definition of tableList) {
      const table = created.find((t) => t.inputs.name === `shop-test-${definition.name}`);
      assert.ok(table, `table ${definition.name}`);
      const inputs = table.inputs;
      assert.equal(inputs.billingMode, "PAY_PER_REQUEST");
      assert.equal(inputs.hashKey, definition.partitionKey.name);
      assert.equal(inputs.rangeKey, definition.sortKey?.name);
      assert.deepEqual(inputs.pointInTimeRecovery, { enabled: true });
      assert.deepEqual(inputs.serverSideEncryption, { enabled: true });
      assert.equal(inputs.deletionProtectionEnabled, true);
      assert.deepEqual(
        inputs.ttl,
        definition.ttlAttribute ? { attributeName: definition.ttlAttribute, enabled: true } : undefined,
      );
      assert.deepEqual(
        inputs.globalSecondaryIndexes,
        definition.globalSecondaryIndexes.map((index) => ({
          name: index.name,
          hashKey: index.partitionKey.name,
          ...(index.sortKey ? { rangeKey: index.sortKey.name } : {}),
          projectionType: "ALL",
        })),
      );
    }
    const orders = created.find((t) => t.inputs.name === "shop-test-orders")!;
    assert.deepEqual(orders.inputs.attributes, [
      { name: "orderId", type: "S" },
      { name: "userId", type: "S" },
      { name: "createdAt", type: "S" },
      { name: "week", type: "S" },
    ]);
    assert.equal(ofType(run, "aws:kms/key:Key").length, 0, "no customer key unless asked");
  });

  it("uses a customer-managed key and no deletion protection when configured so", async () => {
    const run = await runUnderMocks(() => {
      const data = new DataTables("tables", { deletionProtection: false, customerManagedKey: true });
      return { keyArn: data.kmsKeyArn, ordersArn: data.tables.orders.arn };
    }, options);

    const keyArn = only(run, "aws:kms/key:Key").outputs.arn;
    assert.equal(run.outputs.keyArn.value, keyArn);
    assert.equal(run.outputs.ordersArn.value, "arn:aws:dynamodb:us-east-1:123456789012:table/tables-orders");
    for (const table of ofType(run, "aws:dynamodb/table:Table")) {
      assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true, kmsKeyArn: keyArn });
      assert.equal(table.inputs.deletionProtectionEnabled, false);
    }
  });

  it("declares each key attribute once", () => {
    assert.deepEqual(keyAttributes(tables.products), [
      { name: "productId", type: "S" },
      { name: "category", type: "S" },
    ]);
  });
});
