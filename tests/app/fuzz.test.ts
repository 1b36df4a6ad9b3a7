import assert from "node:assert/strict";
import fc from "fast-check";
import request from "supertest";
import { adminAccount, createProduct, registerAndLogin, type Account } from "../support/api-client";
import { createTestContext, silentLogger, type TestContext } from "../support/local-aws";

/**
 * Property-based fuzzing of what a client controls: bodies, paths, query strings and headers. Whatever
 * arrives, the answer is never a 5xx, and every error is a problem document.
 */
describe("Fuzzing: no client input causes a 5xx", () => {
  let context: TestContext;
  let customer: Account;
  let admin: Account;
  let productId: string;

  before(async () => {
    context = await createTestContext();
    customer = await registerAndLogin(context.app);
    admin = await adminAccount(context);
    productId = (await createProduct(context.app, admin, { stock: 1_000_000 })).id;
  });

  beforeEach(() => (silentLogger.errors.length = 0));

  function assertNoServerError(response: request.Response, input: unknown): void {
    assert.ok(response.status < 500, `${response.status} for ${JSON.stringify(input)}: ${response.text}`);
    if (response.status >= 400) {
      assert.match(
        String(response.headers["content-type"]),
        /^application\/problem\+json/,
        JSON.stringify(input),
      );
      assert.equal(response.body.status, response.status);
    }
    assert.deepEqual(silentLogger.errors, [], "no unhandled error was logged");
  }

  const routes: { method: "post" | "patch"; path: () => string; auth: () => Account | undefined }[] = [
    { method: "post", path: () => "/auth/register", auth: () => undefined },
    { method: "post", path: () => "/auth/login", auth: () => undefined },
    { method: "post", path: () => "/auth/refresh", auth: () => undefined },
    { method: "post", path: () => "/auth/logout", auth: () => undefined },
    { method: "post", path: () => "/orders", auth: () => customer },
    { method: "post", path: () => "/products", auth: () => admin },
    { method: "patch", path: () => `/products/${productId}`, auth: () => admin },
    { method: "post", path: () => "/admin/reports/weekly", auth: () => admin },
  ];

  // Built lazily: the product the bodies refer to exists only once `before` has run.
  const orderLike = () =>
    fc.record(
      {
        items: fc.array(
          fc.record(
            {
              productId: fc.oneof(fc.constant(productId), fc.uuid(), fc.string()),
              quantity: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.string()),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 60 },
        ),
      },
      { requiredKeys: [] },
    );

  it("answers arbitrary JSON bodies on every write endpoint with < 500 and problem documents", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.jsonValue(), orderLike(), fc.object()),
        async (route, body) => {
          let call = request(context.app)[route.method](route.path());
          const account = route.auth();
          if (account) call = call.set(account.auth);
          const response = await call.set("content-type", "application/json").send(JSON.stringify(body));
          assertNoServerError(response, { route: route.path(), body });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("answers arbitrary raw bytes, content types and encodings with < 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom(
          "application/json",
          "application/json; charset=utf-16",
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=bogus",
        ),
        fc.constantFrom(undefined, "gzip", "br", "identity", "nonsense"),
        async (route, bytes, contentType, encoding) => {
          let call = request(context.app)[route.method](route.path()).set("content-type", contentType);
          if (encoding) call = call.set("content-encoding", encoding);
          const account = route.auth();
          if (account) call = call.set(account.auth);
          const response = await call.send(Buffer.from(bytes));
          assertNoServerError(response, {
            route: route.path(),
            contentType,
            encoding,
            bytes: Buffer.from(bytes).toString("hex"),
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("answers arbitrary paths and query strings with < 500", async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom(
        "%",
        "%E0%A4%A",
        "%00",
        "..",
        "%2e%2e",
        "products",
        "orders",
        "auth",
        "me",
        "cancel",
        "%FF",
        "a%2Fb",
      ),
      fc.uuid(),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
    const knownPrefix = fc.constantFrom("", "/products", "/orders", "/auth", "/admin/reports");
    const query = fc.array(
      fc.tuple(
        fc.constantFrom("limit", "cursor", "category", "userId", "x", "%"),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        knownPrefix,
        path,
        query,
        fc.constantFrom("get", "post", "delete", "patch"),
        fc.boolean(),
        async (prefix, rest, params, method, authed) => {
          const search = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
          const url = `${prefix}${rest}${search ? `?${search}` : ""}`;
          let call = request(context.app)[method as "get"](url);
          if (authed) call = call.set(customer.auth);
          const response = await call;
          assertNoServerError(response, { method, url });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers arbitrary Authorization, Idempotency-Key and correlation headers with < 500", async () => {
    const headerValue = fc.string({ maxLength: 300 }).filter((value) => /^[\x20-\x7e]*$/.test(value));
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        headerValue,
        headerValue,
        async (authorization, idempotencyKey, correlation) => {
          const response = await request(context.app)
            .post("/orders")
            .set("Authorization", authorization)
            .set("Idempotency-Key", idempotencyKey)
            .set("x-correlation-id", correlation)
            .send({ items: [{ productId, quantity: 1 }] });
          assertNoServerError(response, { authorization, idempotencyKey, correlation });
          const keyed = await request(context.app)
            .post("/orders")
            .set(customer.auth)
            .set("Idempotency-Key", idempotencyKey)
            .send({ items: [{ productId, quantity: 1 }] });
          assertNoServerError(keyed, { idempotencyKey });
        },
      ),
      { numRuns: 60 },
    );
  });
});
