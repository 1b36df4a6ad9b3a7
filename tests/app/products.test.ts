import assert from "node:assert/strict";
import request from "supertest";
import {
  adminAccount,
  assertProblem,
  createProduct,
  registerAndLogin,
  type Account,
} from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

describe("Products", () => {
  let context: TestContext;
  let admin: Account;
  let customer: Account;

  before(async () => {
    context = await createTestContext();
    admin = await adminAccount(context);
    customer = await registerAndLogin(context.app);
  });

  it("lets an admin create, read, patch and delete a product", async () => {
    const created = await createProduct(context.app, admin, {
      name: "Hammer",
      priceCents: 1999,
      stock: 5,
      category: "tools",
    });
    assert.equal(created.name, "Hammer");
    const fetched = await request(context.app).get(`/products/${created.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, { ...created, description: "" });

    const patched = await request(context.app)
      .patch(`/products/${created.id}`)
      .set(admin.auth)
      .send({ priceCents: 2499 });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.priceCents, 2499);
    assert.equal(patched.body.name, "Hammer");
    assert.ok(patched.body.updatedAt >= created.updatedAt);

    assert.equal((await request(context.app).delete(`/products/${created.id}`).set(admin.auth)).status, 204);
    assertProblem(await request(context.app).get(`/products/${created.id}`), 404);
    assertProblem(await request(context.app).delete(`/products/${created.id}`).set(admin.auth), 404);
    assertProblem(
      await request(context.app).patch(`/products/${created.id}`).set(admin.auth).send({ stock: 1 }),
      404,
    );
  });

  it("validates product fields: integer cents and stock >= 0, no unknown fields, a non-empty patch", async () => {
    const bad = [
      { name: "x", priceCents: 1.5, stock: 1, category: "c" },
      { name: "x", priceCents: -1, stock: 1, category: "c" },
      { name: "x", priceCents: 1, stock: -1, category: "c" },
      { name: "x", priceCents: "1", stock: 1, category: "c" },
      { name: "x", priceCents: 1, stock: 1, category: "" },
      { name: "x", priceCents: 1, stock: 1, category: "c", id: "mine" },
    ];
    for (const body of bad)
      assertProblem(await request(context.app).post("/products").set(admin.auth).send(body), 400);
    const product = await createProduct(context.app, admin);
    assertProblem(await request(context.app).patch(`/products/${product.id}`).set(admin.auth).send({}), 400);
    assertProblem(
      await request(context.app).patch(`/products/${product.id}`).set(admin.auth).send({ createdAt: "x" }),
      400,
    );
  });

  it("allows reads to anyone and writes to admins only", async () => {
    const product = await createProduct(context.app, admin);
    assert.equal((await request(context.app).get(`/products/${product.id}`)).status, 200);
    assertProblem(await request(context.app).patch(`/products/${product.id}`).send({ stock: 1 }), 401);
    assertProblem(
      await request(context.app).patch(`/products/${product.id}`).set(customer.auth).send({ stock: 1 }),
      403,
    );
    assertProblem(await request(context.app).delete(`/products/${product.id}`).set(customer.auth), 403);
  });

  it("answers 404 for ids that cannot exist, without asking DynamoDB", async () => {
    assertProblem(await request(context.app).get("/products/not-a-uuid"), 404);
    assertProblem(await request(context.app).get(`/products/${"a".repeat(3000)}`), 404);
  });

  it("pages through the catalogue and one category without repeats or gaps", async () => {
    const category = `cat${Date.now()}`;
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++)
      ids.add((await createProduct(context.app, admin, { category, name: `P${i}` })).id);
    await createProduct(context.app, admin, { category: `${category}-other` });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { category, limit: 3, ...(cursor ? { cursor } : {}) };
      const page = await request(context.app).get("/products").query(query);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 3);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(seen.length, 7);
    assert.deepEqual(new Set(seen), ids);

    const all: string[] = [];
    cursor = null;
    do {
      const page = await request(context.app)
        .get("/products")
        .query({ limit: 4, ...(cursor ? { cursor } : {}) });
      all.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(all).size, all.length, "no product appears twice");
    for (const id of ids) assert.ok(all.includes(id));
  });

  it("rejects tampered cursors, cursors of another query, and out-of-range limits with 400", async () => {
    const category = `cur${Date.now()}`;
    for (let i = 0; i < 3; i++) await createProduct(context.app, admin, { category });
    const first = await request(context.app).get("/products").query({ category, limit: 1 });
    const cursor: string = first.body.nextCursor;
    assert.ok(cursor);
    const [kid, payload, signature] = cursor.split(".");
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString());
    decoded.k.productId = "00000000-0000-4000-8000-000000000000";
    const tampered = `${kid}.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${signature}`;
    assertProblem(await request(context.app).get("/products").query({ category, cursor: tampered }), 400);
    assertProblem(await request(context.app).get("/products").query({ category: "other", cursor }), 400);
    assertProblem(await request(context.app).get("/products").query({ cursor }), 400);
    assertProblem(await request(context.app).get("/products").query({ cursor: "garbage" }), 400);
    assertProblem(await request(context.app).get("/products").query({ cursor: "a.b" }), 400);
    const otherKid = `00000000-0000-4000-8000-000000000000.${payload}.${signature}`;
    assertProblem(await request(context.app).get("/products").query({ category, cursor: otherKid }), 400);
    for (const limit of ["0", "101", "abc", "1.5"]) {
      assertProblem(await request(context.app).get("/products").query({ limit }), 400);
    }
    assertProblem(await request(context.app).get("/products?limit=1&limit=2"), 400);
    const next = await request(context.app).get("/products").query({ category, cursor, limit: 1 });
    assert.equal(next.status, 200);
  });
});
