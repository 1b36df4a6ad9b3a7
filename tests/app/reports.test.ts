import assert from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import request from "supertest";
import { documentClient } from "../../app/aws/clients";
import { WeeklyOrderReader } from "../../app/repositories/weekly-order-reader";
import {
  adminAccount,
  assertProblem,
  createProduct,
  registerAndLogin,
  type Account,
} from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

describe("Weekly reports", () => {
  let context: TestContext;
  let admin: Account;
  let buyer: Account;

  before(async () => {
    context = await createTestContext();
    admin = await adminAccount(context);
    buyer = await registerAndLogin(context.app);
  });

  afterEach(() => context.setNow(undefined));

  async function placeAt(at: string, items: { productId: string; quantity: number }[]) {
    context.setNow(new Date(at));
    const response = await request(context.app).post("/orders").set(buyer.auth).send({ items });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as { id: string };
  }

  it("summarises one ISO week in UTC: boundaries, cancelled orders, top products, and writes it to S3", async () => {
    const bolt = await createProduct(context.app, admin, { name: "Bolt", priceCents: 100, stock: 1000 });
    const nut = await createProduct(context.app, admin, { name: "Nut", priceCents: 30, stock: 1000 });
    // 2031-W10 runs from Monday 2031-03-03T00:00Z to Monday 2031-03-10T00:00Z.
    await placeAt("2031-03-02T23:59:59.999Z", [{ productId: bolt.id, quantity: 50 }]); // W09: excluded
    await placeAt("2031-03-03T00:00:00.000Z", [{ productId: bolt.id, quantity: 2 }]);
    await placeAt("2031-03-05T12:00:00.000Z", [
      { productId: bolt.id, quantity: 1 },
      { productId: nut.id, quantity: 10 },
    ]);
    const cancelled = await placeAt("2031-03-09T23:59:59.999Z", [{ productId: nut.id, quantity: 7 }]);
    await placeAt("2031-03-10T00:00:00.000Z", [{ productId: nut.id, quantity: 99 }]); // W11: excluded
    context.setNow(new Date("2031-03-11T00:00:00Z"));
    assert.equal(
      (await request(context.app).post(`/orders/${cancelled.id}/cancel`).set(buyer.auth)).status,
      200,
    );

    context.setNow(new Date("2031-03-20T08:00:00Z"));
    const response = await request(context.app)
      .post("/admin/reports/weekly")
      .set(admin.auth)
      .send({ week: "2031-W10" });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const report = response.body;
    assert.equal(report.week, "2031-W10");
    assert.equal(report.from, "2031-03-03T00:00:00.000Z");
    assert.equal(report.to, "2031-03-10T00:00:00.000Z");
    assert.equal(report.orderCount, 3);
    assert.equal(report.cancelledCount, 1);
    assert.equal(report.unitsSold, 13);
    assert.equal(report.revenueCents, 3 * 100 + 10 * 30);
    assert.deepEqual(report.topProducts, [
      { productId: nut.id, name: "Nut", quantity: 10, revenueCents: 300 },
      { productId: bolt.id, name: "Bolt", quantity: 3, revenueCents: 300 },
    ]);
    assert.equal(report.generatedAt, "2031-03-20T08:00:00.000Z");
    assert.equal(report.location, `s3://${context.config.reportsBucket}/reports/weekly/2031-W10.json`);

    const s3 = new S3Client({ forcePathStyle: true });
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: context.config.reportsBucket, Key: "reports/weekly/2031-W10.json" }),
    );
    assert.equal(stored.ContentType, "application/json");
    assert.deepEqual(JSON.parse(await stored.Body!.transformToString()), report);
    s3.destroy();
  });

  it("defaults to the current week and is for admins only", async () => {
    context.setNow(new Date("2027-01-01T10:00:00Z")); // a Friday: it belongs to 2026's 53rd week
    const current = await request(context.app).post("/admin/reports/weekly").set(admin.auth).send({});
    assert.equal(current.status, 200);
    assert.equal(current.body.week, "2026-W53");
    const noBody = await request(context.app).post("/admin/reports/weekly").set(admin.auth);
    assert.equal(noBody.status, 200);
    assertProblem(await request(context.app).post("/admin/reports/weekly").set(buyer.auth).send({}), 403);
    assertProblem(await request(context.app).post("/admin/reports/weekly").send({}), 401);
    for (const week of ["2027-W53", "2031-W54", "2031-W00", "2031-10", "W10", 2031, null]) {
      assertProblem(
        await request(context.app).post("/admin/reports/weekly").set(admin.auth).send({ week }),
        400,
      );
    }
  });

  it("reads the week through its index page by page, never the whole table", async () => {
    const product = await createProduct(context.app, admin, { name: "Page", priceCents: 1, stock: 10_000 });
    // 2033-W23 is Monday 2033-06-06 to Sunday 2033-06-12; one more order lands in the next week.
    for (let i = 0; i < 7; i++) {
      await placeAt(new Date(Date.UTC(2033, 5, 6 + (i % 5), 10, 0, i)).toISOString(), [
        { productId: product.id, quantity: 1 },
      ]);
    }
    await placeAt("2033-06-13T00:00:00Z", [{ productId: product.id, quantity: 1 }]);
    const reader = new WeeklyOrderReader(documentClient, context.config.tableNames.orders, 3);
    const pages: number[] = [];
    for await (const page of reader.ordersOfWeek("2033-W23")) pages.push(page.length);
    assert.deepEqual(
      pages.filter((n) => n > 0),
      [3, 3, 1],
    );

    context.setNow(new Date("2033-06-30T00:00:00Z"));
    const report = await request(context.app)
      .post("/admin/reports/weekly")
      .set(admin.auth)
      .send({ week: "2033-W23" });
    assert.equal(report.body.orderCount, 7);
    assert.equal(report.body.unitsSold, 7);
  });

  it("GET /admin/reports/weekly/{week} returns the stored report as written, 404 for a week without one", async () => {
    context.setNow(new Date("2034-05-10T08:00:00Z"));
    const written = await request(context.app)
      .post("/admin/reports/weekly")
      .set(admin.auth)
      .send({ week: "2034-W18" });
    assert.equal(written.status, 200, JSON.stringify(written.body));

    // Overwrite the object behind the API's back: the GET must read S3, not remember the POST's answer.
    const s3 = new S3Client({ forcePathStyle: true });
    const stored = { ...written.body, orderCount: 12345 };
    await s3.send(
      new PutObjectCommand({
        Bucket: context.config.reportsBucket,
        Key: "reports/weekly/2034-W18.json",
        Body: JSON.stringify(stored),
      }),
    );
    const read = await request(context.app).get("/admin/reports/weekly/2034-W18").set(admin.auth);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.match(String(read.headers["content-type"]), /^application\/json/);
    assert.deepEqual(read.body, stored);

    const missing = await request(context.app).get("/admin/reports/weekly/2034-W19").set(admin.auth);
    assertProblem(missing, 404);
    assert.equal(missing.body.detail, "No report is stored for 2034-W19");
  });

  it("GET /admin/reports/weekly/{week} is for admins only and takes only real ISO weeks", async () => {
    const path = "/admin/reports/weekly/2034-W18";
    assertProblem(await request(context.app).get(path), 401);
    assertProblem(await request(context.app).get(path).set(buyer.auth), 403);
    for (const week of ["2034-W54", "2025-W53", "1999-W01", "2034-18", "latest"]) {
      const response = await request(context.app).get(`/admin/reports/weekly/${week}`).set(admin.auth);
      assertProblem(response, 400);
      assert.equal(response.body.errors[0].path, "path", week);
    }
  });
});
