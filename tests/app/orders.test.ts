import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import request from "supertest";
import {
  adminAccount,
  assertProblem,
  createProduct,
  registerAndLogin,
  type Account,
} from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

describe("Orders", () => {
  let context: TestContext;
  let admin: Account;
  let alice: Account;
  let bob: Account;

  before(async () => {
    context = await createTestContext();
    admin = await adminAccount(context);
    alice = await registerAndLogin(context.app, "Alice");
    bob = await registerAndLogin(context.app, "Bob");
  });

  const stockOf = async (id: string) =>
    (await request(context.app).get(`/products/${id}`)).body.stock as number;
  const order = (
    account: Account,
    items: { productId: string; quantity: number }[],
    headers: Record<string, string> = {},
  ) => request(context.app).post("/orders").set(account.auth).set(headers).send({ items });

  it("places an order priced from the catalogue and decrements stock", async () => {
    const pen = await createProduct(context.app, admin, { name: "Pen", priceCents: 150, stock: 10 });
    const pad = await createProduct(context.app, admin, { name: "Pad", priceCents: 400, stock: 3 });
    const before = context.metrics.ordersPlaced.length;
    const response = await order(alice, [
      { productId: pen.id, quantity: 4 },
      { productId: pad.id, quantity: 1 },
    ]);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.status, "PLACED");
    assert.equal(response.body.userId, alice.id);
    assert.equal(response.body.totalCents, 4 * 150 + 400);
    assert.deepEqual(response.body.items, [
      { productId: pen.id, name: "Pen", quantity: 4, unitPriceCents: 150 },
      { productId: pad.id, name: "Pad", quantity: 1, unitPriceCents: 400 },
    ]);
    assert.equal(response.headers.location, `/orders/${response.body.id}`);
    assert.equal(await stockOf(pen.id), 6);
    assert.equal(await stockOf(pad.id), 2);
    assert.deepEqual(context.metrics.ordersPlaced.slice(before), [1000]);
  });

  it("ignores any price the client sends: unknown fields are rejected", async () => {
    const pen = await createProduct(context.app, admin, { priceCents: 150 });
    const response = await request(context.app)
      .post("/orders")
      .set(alice.auth)
      .send({ items: [{ productId: pen.id, quantity: 1, unitPriceCents: 1 }] });
    assertProblem(response, 400);
  });

  it("answers 409 for insufficient stock and changes nothing", async () => {
    const plenty = await createProduct(context.app, admin, { stock: 10 });
    const scarce = await createProduct(context.app, admin, { stock: 1 });
    const response = await order(alice, [
      { productId: plenty.id, quantity: 2 },
      { productId: scarce.id, quantity: 2 },
    ]);
    assertProblem(response, 409);
    assert.match(response.body.detail, new RegExp(scarce.id));
    assert.equal(await stockOf(plenty.id), 10);
    assert.equal(await stockOf(scarce.id), 1);
    const mine = await request(context.app).get("/orders").set(alice.auth).query({ limit: 100 });
    assert.ok(
      !mine.body.items.some((o: { items: { productId: string }[] }) =>
        o.items.some((l) => l.productId === scarce.id),
      ),
    );
  });

  it("answers 422 for an unknown product, and 400 for bad lines", async () => {
    const known = await createProduct(context.app, admin);
    assertProblem(await order(alice, [{ productId: randomUUID(), quantity: 1 }]), 422);
    assert.equal(await stockOf(known.id), 10);
    const invalid = [
      [],
      [{ productId: known.id, quantity: 0 }],
      [{ productId: known.id, quantity: 101 }],
      [{ productId: known.id, quantity: 1.5 }],
      [
        { productId: known.id, quantity: 1 },
        { productId: known.id, quantity: 2 },
      ],
      Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })),
    ];
    for (const items of invalid) assertProblem(await order(alice, items), 400);
    assertProblem(
      await request(context.app)
        .post("/orders")
        .send({ items: [{ productId: known.id, quantity: 1 }] }),
      401,
    );
  });

  it("replays an Idempotency-Key with the same body and rejects it with a different body", async () => {
    const product = await createProduct(context.app, admin, { stock: 5 });
    const key = `key-${randomUUID()}`;
    const items = [{ productId: product.id, quantity: 2 }];
    const first = await order(alice, items, { "Idempotency-Key": key });
    assert.equal(first.status, 201);
    const replay = await order(alice, items, { "Idempotency-Key": key });
    assert.equal(replay.status, 201);
    assert.deepEqual(replay.body, first.body);
    assert.equal(replay.headers["idempotent-replayed"], "true");
    assert.equal(await stockOf(product.id), 3, "the replay placed no second order");
    assertProblem(
      await order(alice, [{ productId: product.id, quantity: 1 }], { "Idempotency-Key": key }),
      422,
    );
    const bobsOrder = await order(bob, items, { "Idempotency-Key": key });
    assert.equal(bobsOrder.status, 201, "keys are scoped to the caller");
    assert.notEqual(bobsOrder.body.id, first.body.id);
    assertProblem(await order(alice, items, { "Idempotency-Key": "has space" }), 400);
  });

  it("places one order for concurrent requests that share an Idempotency-Key", async () => {
    const product = await createProduct(context.app, admin, { stock: 50 });
    const key = randomUUID();
    const items = [{ productId: product.id, quantity: 1 }];
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => order(alice, items, { "Idempotency-Key": key })),
    );
    assert.ok(responses.every((r) => r.status === 201));
    assert.equal(new Set(responses.map((r) => r.body.id)).size, 1);
    assert.equal(await stockOf(product.id), 49);
  });

  it("never oversells: concurrent orders on low stock place exactly `stock` orders", async () => {
    const product = await createProduct(context.app, admin, { stock: 5 });
    const buyers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => registerAndLogin(context.app, `Buyer${i}`)),
    );
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        order(buyers[i % buyers.length], [{ productId: product.id, quantity: 1 }]),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 409).length, 19, statuses.join(","));
    assert.equal(await stockOf(product.id), 0);
  });

  it("applies the authorization matrix to reading orders", async () => {
    const product = await createProduct(context.app, admin);
    const placed = (await order(alice, [{ productId: product.id, quantity: 1 }])).body;
    assert.equal((await request(context.app).get(`/orders/${placed.id}`).set(alice.auth)).status, 200);
    assertProblem(await request(context.app).get(`/orders/${placed.id}`).set(bob.auth), 404);
    assertProblem(await request(context.app).get(`/orders/${placed.id}`), 401);
    assert.equal((await request(context.app).get(`/orders/${placed.id}`).set(admin.auth)).status, 200);
    assertProblem(await request(context.app).get(`/orders/${randomUUID()}`).set(alice.auth), 404);

    const asAdmin = await request(context.app)
      .get("/orders")
      .set(admin.auth)
      .query({ userId: alice.id, limit: 100 });
    assert.equal(asAdmin.status, 200);
    assert.ok(asAdmin.body.items.some((o: { id: string }) => o.id === placed.id));
    assertProblem(await request(context.app).get("/orders").set(bob.auth).query({ userId: alice.id }), 403);
    const bobs = await request(context.app).get("/orders").set(bob.auth).query({ limit: 100 });
    assert.ok(bobs.body.items.every((o: { userId: string }) => o.userId === bob.id));
  });

  it("lists the caller's orders newest first, across pages without repeats", async () => {
    const buyer = await registerAndLogin(context.app, "Pager");
    const product = await createProduct(context.app, admin, { stock: 100 });
    const placedIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      context.setNow(new Date(Date.UTC(2030, 0, 1, 12, i)));
      placedIds.push((await order(buyer, [{ productId: product.id, quantity: 1 }])).body.id);
    }
    context.setNow(undefined);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await request(context.app)
        .get("/orders")
        .set(buyer.auth)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...placedIds].reverse());
    const first = await request(context.app).get("/orders").set(buyer.auth).query({ limit: 2 });
    assertProblem(
      await request(context.app).get("/orders").set(alice.auth).query({ cursor: first.body.nextCursor }),
      400,
    );
  });

  it("cancels an order, restoring its stock in the same transaction", async () => {
    const product = await createProduct(context.app, admin, { stock: 4 });
    const placed = (await order(alice, [{ productId: product.id, quantity: 3 }])).body;
    assert.equal(await stockOf(product.id), 1);
    assertProblem(await request(context.app).post(`/orders/${placed.id}/cancel`).set(bob.auth), 404);
    const cancelled = await request(context.app).post(`/orders/${placed.id}/cancel`).set(alice.auth);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, "CANCELLED");
    assert.ok(cancelled.body.cancelledAt);
    assert.equal(await stockOf(product.id), 4);
    assertProblem(await request(context.app).post(`/orders/${placed.id}/cancel`).set(alice.auth), 409);
    assert.equal(await stockOf(product.id), 4);
    const fetched = await request(context.app).get(`/orders/${placed.id}`).set(alice.auth);
    assert.equal(fetched.body.status, "CANCELLED");
  });

  it("cancels an order whose product was deleted since, without recreating the product", async () => {
    const product = await createProduct(context.app, admin, { stock: 4 });
    const placed = (await order(alice, [{ productId: product.id, quantity: 1 }])).body;
    await request(context.app).delete(`/products/${product.id}`).set(admin.auth);
    const cancelled = await request(context.app).post(`/orders/${placed.id}/cancel`).set(admin.auth);
    assert.equal(cancelled.status, 200);
    assertProblem(await request(context.app).get(`/products/${product.id}`), 404);
  });

  it("lets only one of two concurrent cancellations restore stock", async () => {
    const product = await createProduct(context.app, admin, { stock: 2 });
    const placed = (await order(alice, [{ productId: product.id, quantity: 2 }])).body;
    const results = await Promise.all(
      [1, 2].map(() => request(context.app).post(`/orders/${placed.id}/cancel`).set(alice.auth)),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal(await stockOf(product.id), 2);
  });
});
