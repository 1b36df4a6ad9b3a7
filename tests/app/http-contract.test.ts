import assert from "node:assert/strict";
import request from "supertest";
import { assertProblem, registerAndLogin } from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

describe("HTTP contract", () => {
  let context: TestContext;

  before(async () => {
    context = await createTestContext();
  });

  it("answers /health without touching the database, with security headers and no x-powered-by", async () => {
    const response = await request(context.app).get("/health");
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: "ok" });
    assert.equal(response.headers["x-powered-by"], undefined);
    assert.match(response.headers["content-security-policy"], /default-src 'self'/);
    assert.equal(response.headers["x-content-type-options"], "nosniff");
    assert.match(response.headers["strict-transport-security"], /max-age=/);
  });

  it("echoes a well-formed x-correlation-id and replaces a malformed one", async () => {
    const echoed = await request(context.app).get("/health").set("x-correlation-id", "req-1234.abc_DEF");
    assert.equal(echoed.headers["x-correlation-id"], "req-1234.abc_DEF");
    for (const bad of ["short", "has space in it", "x".repeat(129), "semi;colon-12345"]) {
      const replaced = await request(context.app).get("/health").set("x-correlation-id", bad);
      assert.notEqual(replaced.headers["x-correlation-id"], bad);
      assert.match(replaced.headers["x-correlation-id"], /^[0-9a-f-]{36}$/);
    }
  });

  it("answers unknown routes with a 404 problem document", async () => {
    assertProblem(await request(context.app).get("/nope"), 404);
  });

  it("answers a method a known path does not serve with a 405 problem document and its Allow header", async () => {
    const health = await request(context.app).delete("/health");
    assertProblem(health, 405);
    assert.equal(health.headers.allow, "GET, HEAD");
    const products = await request(context.app).put("/products");
    assertProblem(products, 405);
    assert.equal(products.headers.allow, "GET, HEAD, POST");
  });

  it("rejects malformed URLs with 400", async () => {
    assertProblem(await request(context.app).get("/products/%E0%A4%A"), 400);
    assertProblem(await request(context.app).get("/products?category=%ZZ"), 400);
    assertProblem(await request(context.app).get("/%"), 400);
  });

  it("rejects malformed JSON with 400, a non-JSON content type with 415 and a body over 100 KB with 413", async () => {
    const malformed = await request(context.app)
      .post("/auth/register")
      .set("content-type", "application/json")
      .send('{"email":');
    assertProblem(malformed, 400);
    const text = await request(context.app)
      .post("/auth/register")
      .set("content-type", "text/plain")
      .send("email=a");
    assertProblem(text, 415);
    const form = await request(context.app)
      .post("/auth/login")
      .type("form")
      .send({ email: "a@b.co", password: "x" });
    assertProblem(form, 415);
    const big = await request(context.app)
      .post("/auth/register")
      .set("content-type", "application/json")
      .send(JSON.stringify({ email: "a@b.co", password: "p".repeat(100), name: "n".repeat(110 * 1024) }));
    assertProblem(big, 413);
  });

  it("accepts JSON with a charset and the +json suffix", async () => {
    const response = await request(context.app)
      .post("/auth/login")
      .set("content-type", "application/merge-patch+json; charset=utf-8")
      .send(JSON.stringify({ email: "nobody@example.com", password: "wrong password" }));
    assertProblem(response, 401);
  });

  it("rejects unknown body fields and reports every invalid field with its path", async () => {
    const response = await request(context.app)
      .post("/auth/register")
      .send({ email: "not-an-email", password: "short", name: "", role: "admin" });
    assertProblem(response, 400);
    const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ["body", "body.email", "body.name", "body.password"]);
    assert.ok(response.body.errors.every((e: { message: string }) => e.message.length > 0));
  });

  it("returns 401 with WWW-Authenticate: Bearer without or with a bad token, and 403 for a customer on admin routes", async () => {
    const anonymous = await request(context.app).post("/products").send({});
    assertProblem(anonymous, 401);
    assert.match(anonymous.headers["www-authenticate"], /^Bearer/);
    const garbage = await request(context.app).get("/auth/me").set("Authorization", "Bearer not.a.jwt");
    assertProblem(garbage, 401);
    assert.match(garbage.headers["www-authenticate"], /^Bearer/);
    const basic = await request(context.app).get("/auth/me").set("Authorization", "Basic dXNlcjpwYXNz");
    assertProblem(basic, 401);
    const customer = await registerAndLogin(context.app);
    const forbidden = await request(context.app)
      .post("/products")
      .set(customer.auth)
      .send({ name: "x", priceCents: 1, stock: 1, category: "c" });
    assertProblem(forbidden, 403);
  });

  it("serves an OpenAPI 3.1 document generated from the request schemas, and Swagger UI", async () => {
    const spec = await request(context.app).get("/openapi.json");
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, "3.1.0");
    const register = spec.body.components.schemas.RegisterRequest;
    assert.deepEqual(register.required.sort(), ["email", "name", "password"]);
    assert.equal(register.additionalProperties, false);
    assert.equal(register.properties.password.minLength, 10);
    assert.ok(spec.body.paths["/orders/{id}/cancel"].post);
    const order = spec.body.paths["/orders"].post;
    assert.equal(
      order.requestBody.content["application/json"].schema.$ref,
      "#/components/schemas/CreateOrderRequest",
    );
    const docs = await request(context.app).get("/docs");
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui-bundle\.js/);
    const bundle = await request(context.app).get("/docs/swagger-ui-bundle.js");
    assert.equal(bundle.status, 200);
    assert.ok(bundle.body.length > 100_000 || bundle.text.length > 100_000);
    assertProblem(await request(context.app).get("/docs/../package.json"), 404);
  });

  it("writes one audit line per state-changing request with who, where and outcome, and never a secret", async () => {
    context.audit.length = 0;
    const email = `audit-${Date.now()}@example.com`;
    await request(context.app)
      .post("/auth/register")
      .send({ email, password: "a long password", name: "Audit" });
    await request(context.app).post("/auth/login").send({ email, password: "wrong password!" });
    const ok = await request(context.app)
      .post("/auth/login")
      .set("x-correlation-id", "audit-corr-1")
      .send({ email, password: "a long password" });
    await request(context.app).get("/health");
    assert.equal(context.audit.length, 3);
    const [registered, failed, succeeded] = context.audit;
    assert.deepEqual(
      [registered.route, registered.status, failed.route, failed.status, succeeded.status],
      ["/auth/register", 201, "/auth/login", 401, 200],
    );
    assert.equal(failed.email, email);
    assert.equal(failed.userId, null);
    assert.equal(succeeded.correlationId, "audit-corr-1");
    assert.equal(typeof succeeded.userId, "string");
    assert.ok(succeeded.ip && succeeded.at && succeeded.method === "POST");
    const serialized = JSON.stringify(context.audit);
    assert.ok(!serialized.includes("a long password") && !serialized.includes(ok.body.refreshToken));
  });
});
