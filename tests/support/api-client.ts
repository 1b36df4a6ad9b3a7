/** Small helpers that drive the API the way a client does: through HTTP, with supertest. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import request from "supertest";
import type { Express } from "express";
import { ensureAdmin } from "../../app/services/admin-bootstrap";
import type { TestContext } from "./local-aws";

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly auth: { Authorization: string };
}

export async function registerAndLogin(app: Express, name = "Customer"): Promise<Account> {
  const email = `${name.toLowerCase().replace(/\W/g, "")}-${randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const registered = await request(app).post("/auth/register").send({ email, password, name });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  return login(app, email, password);
}

export async function login(app: Express, email: string, password: string): Promise<Account> {
  const response = await request(app).post("/auth/login").send({ email, password });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const claims = JSON.parse(Buffer.from(response.body.accessToken.split(".")[1], "base64url").toString());
  return {
    id: claims.sub,
    email,
    password,
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    auth: { Authorization: `Bearer ${response.body.accessToken}` },
  };
}

/** An administrator, created through the same bootstrap `npm start` uses. */
export async function adminAccount(context: TestContext): Promise<Account> {
  const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
  const password = "admin password 123";
  assert.equal(
    await ensureAdmin(context.users, context.passwords, { email, password, name: "Admin" }),
    "created",
  );
  return login(context.app, email, password);
}

export async function createProduct(
  app: Express,
  admin: Account,
  fields: Partial<{
    name: string;
    priceCents: number;
    stock: number;
    category: string;
    description: string;
  }> = {},
) {
  const response = await request(app)
    .post("/products")
    .set(admin.auth)
    .send({ name: "Widget", priceCents: 1250, stock: 10, category: "tools", ...fields });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as {
    id: string;
    stock: number;
    priceCents: number;
    name: string;
    category: string;
    updatedAt: string;
  };
}

/** Every error answer must be an RFC 9457 problem document carrying the response's correlation id. */
export function assertProblem(response: request.Response, status: number): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(String(response.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(response.body.status, status);
  assert.equal(typeof response.body.type, "string");
  assert.equal(typeof response.body.title, "string");
  assert.equal(typeof response.body.detail, "string");
  assert.equal(response.body.correlationId, response.headers["x-correlation-id"]);
}
