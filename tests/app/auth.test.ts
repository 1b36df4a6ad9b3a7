import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import jwt from "jsonwebtoken";
import request from "supertest";
import { assertProblem, login, registerAndLogin } from "../support/api-client";
import { ensureAdmin } from "../../app/services/admin-bootstrap";
import { REFRESH_RETRY_WINDOW_SECONDS } from "../../app/services/auth-service";
import { openSuccessor } from "../../app/services/refresh-successor";
import { createTestContext, type TestContext } from "../support/local-aws";

describe("Auth", () => {
  let context: TestContext;

  before(async () => {
    context = await createTestContext();
  });

  afterEach(() => context.setNow(undefined));

  const refresh = (refreshToken: string) => request(context.app).post("/auth/refresh").send({ refreshToken });

  describe("register", () => {
    it("creates a customer and never echoes the password", async () => {
      const response = await request(context.app)
        .post("/auth/register")
        .send({ email: "Mixed.Case@Example.com", password: "0123456789", name: "Ann" });
      assert.equal(response.status, 201);
      assert.deepEqual(Object.keys(response.body).sort(), ["createdAt", "email", "id", "name", "role"]);
      assert.equal(response.body.role, "customer");
      assert.equal(response.body.email, "Mixed.Case@Example.com");
      assert.ok(!JSON.stringify(response.body).includes("0123456789"));
    });

    it("treats emails case-insensitively: a second account with the same address is a 409", async () => {
      await request(context.app)
        .post("/auth/register")
        .send({ email: "dup@example.com", password: "0123456789", name: "A" });
      const again = await request(context.app)
        .post("/auth/register")
        .send({ email: "DUP@Example.COM", password: "0123456789", name: "B" });
      assertProblem(again, 409);
    });

    it("enforces the 10-128 character password rule and lets no caller choose a role", async () => {
      const email = `len-${Date.now()}@example.com`;
      assertProblem(
        await request(context.app).post("/auth/register").send({ email, password: "123456789", name: "A" }),
        400,
      );
      assertProblem(
        await request(context.app)
          .post("/auth/register")
          .send({ email, password: "x".repeat(129), name: "A" }),
        400,
      );
      assertProblem(
        await request(context.app)
          .post("/auth/register")
          .send({ email, password: "0123456789", name: "A", role: "admin" }),
        400,
      );
      const ok = await request(context.app)
        .post("/auth/register")
        .send({ email, password: "x".repeat(128), name: "A" });
      assert.equal(ok.status, 201);
    });

    it("refuses a blank name, and its published schema says so (a pattern, not only a length)", async () => {
      const blank = await request(context.app)
        .post("/auth/register")
        .send({ email: `blank-${Date.now()}@example.com`, password: "0123456789", name: "   " });
      assertProblem(blank, 400);
      const spec = await request(context.app).get("/openapi.json");
      const name = (
        spec.body as {
          components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> };
        }
      ).components.schemas.RegisterRequest.properties.name;
      assert.ok(name.pattern !== undefined && !new RegExp(name.pattern).test("   "), JSON.stringify(name));
    });
  });

  describe("login and access tokens", () => {
    it("returns a Bearer pair whose access token is an HS256 JWT with issuer, audience and a 15 minute expiry", async () => {
      const account = await registerAndLogin(context.app);
      const header = JSON.parse(Buffer.from(account.accessToken.split(".")[0], "base64url").toString());
      assert.equal(header.alg, "HS256");
      const key = await context.signingKey();
      assert.equal(header.kid, key.kid, "the token names the key that signed it");
      const claims = jwt.verify(account.accessToken, key.secret, {
        algorithms: ["HS256"],
        issuer: "shop-api",
        audience: "shop-api-clients",
      }) as jwt.JwtPayload;
      assert.equal(claims.exp! - claims.iat!, 900);
      assert.equal(claims.sub, account.id);
      const me = await request(context.app).get("/auth/me").set(account.auth);
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, { id: account.id, email: account.email, name: "Customer", role: "customer" });
    });

    it("gives the same 401 for a wrong password and an unknown email", async () => {
      const account = await registerAndLogin(context.app);
      const wrong = await request(context.app)
        .post("/auth/login")
        .send({ email: account.email, password: "wrong password" });
      const unknown = await request(context.app)
        .post("/auth/login")
        .send({ email: "ghost@example.com", password: "wrong password" });
      assertProblem(wrong, 401);
      assertProblem(unknown, 401);
      assert.equal(wrong.body.detail, unknown.body.detail);
      assert.equal(wrong.body.title, unknown.body.title);
    });

    it("answers a blank email (spaces only, which no account can have) with the same 401", async () => {
      const blank = await request(context.app)
        .post("/auth/login")
        .send({ email: " ", password: "wrong password" });
      assertProblem(blank, 401);
    });

    it("rejects tokens that are forged, unsigned, expired, for another audience, or not access tokens", async () => {
      const account = await registerAndLogin(context.app);
      const { kid, secret } = await context.signingKey();
      const claims = { email: account.email, role: "admin", token_use: "access" };
      const options = { subject: account.id, issuer: "shop-api", audience: "shop-api-clients", keyid: kid };
      const forged = [
        jwt.sign(claims, "another secret that is long enough!!", { ...options, algorithm: "HS256" }),
        jwt.sign(claims, secret, { ...options, audience: "someone-else", algorithm: "HS256" }),
        jwt.sign(claims, secret, { ...options, issuer: "evil", algorithm: "HS256" }),
        jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret, {
          ...options,
          algorithm: "HS256",
        }),
        jwt.sign({ ...claims, token_use: "refresh" }, secret, { ...options, algorithm: "HS256" }),
        jwt.sign(claims, secret, { ...options, algorithm: "HS512" }),
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ ...claims, sub: account.id, iss: "shop-api", aud: "shop-api-clients" })).toString("base64url")}.`,
        account.refreshToken,
      ];
      for (const token of forged) {
        const response = await request(context.app).get("/auth/me").set("Authorization", `Bearer ${token}`);
        assertProblem(response, 401);
        assert.match(response.headers["www-authenticate"], /^Bearer/);
      }
    });
  });

  describe("refresh tokens", () => {
    it("rotates: each refresh token works once and yields a new pair", async () => {
      const account = await registerAndLogin(context.app);
      const first = await request(context.app)
        .post("/auth/refresh")
        .send({ refreshToken: account.refreshToken });
      assert.equal(first.status, 200);
      assert.equal(first.body.tokenType, "Bearer");
      assert.notEqual(first.body.refreshToken, account.refreshToken);
      const me = await request(context.app)
        .get("/auth/me")
        .set("Authorization", `Bearer ${first.body.accessToken}`);
      assert.equal(me.status, 200);
      const second = await request(context.app)
        .post("/auth/refresh")
        .send({ refreshToken: first.body.refreshToken });
      assert.equal(second.status, 200);
    });

    it("treats reuse of a spent token whose successor was used as theft: 401, and the whole session is revoked", async () => {
      const account = await registerAndLogin(context.app);
      const rotated = await refresh(account.refreshToken);
      assert.equal(rotated.status, 200);
      const next = await refresh(rotated.body.refreshToken);
      assert.equal(next.status, 200, "the legitimate client moved on");
      assertProblem(await refresh(account.refreshToken), 401);
      assertProblem(await refresh(next.body.refreshToken), 401); // the session is revoked
      const other = await login(context.app, account.email, account.password);
      assert.equal(
        (await refresh(other.refreshToken)).status,
        200,
        "another session of the same user is not revoked",
      );
    });

    it("treats reuse of a spent token after the retry window as theft, even with its successor unused", async () => {
      const account = await registerAndLogin(context.app);
      const rotated = await refresh(account.refreshToken);
      assert.equal(rotated.status, 200);
      context.setNow(new Date(Date.now() + (REFRESH_RETRY_WINDOW_SECONDS + 1) * 1000));
      assertProblem(await refresh(account.refreshToken), 401);
      assertProblem(await refresh(rotated.body.refreshToken), 401); // the session is revoked
    });

    it("answers a retried refresh (answer lost) within the window with the same new refresh token", async () => {
      const account = await registerAndLogin(context.app);
      const first = await refresh(account.refreshToken);
      assert.equal(first.status, 200);
      context.setNow(new Date(Date.now() + (REFRESH_RETRY_WINDOW_SECONDS - 5) * 1000));
      const retried = await refresh(account.refreshToken);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.refreshToken, first.body.refreshToken);
      const me = await request(context.app)
        .get("/auth/me")
        .set("Authorization", `Bearer ${retried.body.accessToken}`);
      assert.equal(me.status, 200);
      // The successor still works once, and rotation goes on from it.
      const next = await refresh(retried.body.refreshToken);
      assert.equal(next.status, 200);
      assertProblem(await refresh(account.refreshToken), 401); // its successor is spent now: theft
      assertProblem(await refresh(next.body.refreshToken), 401); // and the session is revoked
    });

    it("lets two concurrent refreshes with the same token both have the one same successor", async () => {
      const account = await registerAndLogin(context.app);
      const results = await Promise.all([1, 2].map(() => refresh(account.refreshToken)));
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 200],
        JSON.stringify(results.map((r) => r.body)),
      );
      assert.equal(results[0].body.refreshToken, results[1].body.refreshToken);
      const next = await refresh(results[0].body.refreshToken);
      assert.equal(next.status, 200);
    });

    it("does not replay after logout or log out everywhere", async () => {
      const account = await registerAndLogin(context.app);
      const first = await refresh(account.refreshToken);
      assert.equal(first.status, 200);
      assert.equal(
        (await request(context.app).post("/auth/logout").send({ refreshToken: first.body.refreshToken }))
          .status,
        204,
      );
      assertProblem(await refresh(account.refreshToken), 401);

      const other = await login(context.app, account.email, account.password);
      const rotated = await refresh(other.refreshToken);
      assert.equal(rotated.status, 200);
      const everywhere = await request(context.app)
        .post("/auth/logout-all")
        .set("Authorization", `Bearer ${rotated.body.accessToken}`);
      assert.equal(everywhere.status, 204);
      assertProblem(await refresh(other.refreshToken), 401);
    });

    it("stores the successor only sealed: no stored attribute holds a usable token", async () => {
      const account = await registerAndLogin(context.app);
      const first = await refresh(account.refreshToken);
      assert.equal(first.status, 200);
      const spentHash = createHash("sha256").update(account.refreshToken).digest("base64url");
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      try {
        const { Item: spent } = await db.send(
          new GetCommand({
            TableName: context.config.tableNames.refreshTokens,
            Key: { tokenHash: spentHash },
          }),
        );
        assert.ok(spent?.spentAt && typeof spent.successor === "string", JSON.stringify(spent));
        const stored = JSON.stringify(spent);
        for (const token of [account.refreshToken, first.body.refreshToken])
          assert.ok(!stored.includes(token), "a token in plaintext");
        assert.equal(
          openSuccessor(spent.successor, account.refreshToken, spentHash),
          first.body.refreshToken,
        );
        assert.equal(
          openSuccessor(spent.successor, first.body.refreshToken, spentHash),
          undefined,
          "another token",
        );
        assert.equal(
          openSuccessor(spent.successor, account.refreshToken, "another-hash"),
          undefined,
          "another record",
        );
      } finally {
        db.destroy();
      }
    });

    it("logout revokes the session (204) and is idempotent; unknown tokens are ignored", async () => {
      const account = await registerAndLogin(context.app);
      const out = await request(context.app)
        .post("/auth/logout")
        .send({ refreshToken: account.refreshToken });
      assert.equal(out.status, 204);
      assertProblem(
        await request(context.app).post("/auth/refresh").send({ refreshToken: account.refreshToken }),
        401,
      );
      assert.equal(
        (await request(context.app).post("/auth/logout").send({ refreshToken: account.refreshToken })).status,
        204,
      );
      assert.equal(
        (await request(context.app).post("/auth/logout").send({ refreshToken: "never-issued-token" })).status,
        204,
      );
      assertProblem(await request(context.app).post("/auth/logout").send({}), 400);
    });

    it("expires refresh tokens with their session", async () => {
      const account = await registerAndLogin(context.app);
      context.setNow(new Date(Date.now() + context.config.jwt.refreshTokenTtlSeconds * 1000 + 1000));
      assertProblem(
        await request(context.app).post("/auth/refresh").send({ refreshToken: account.refreshToken }),
        401,
      );
    });
  });

  describe("admin bootstrap", () => {
    it("is available as a one-off command that validates its input and creates the admin", () => {
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, ["--import", "tsx", "app/entrypoints/bootstrap-admin.ts"], {
          env: { ...process.env, ...env },
          encoding: "utf8",
        });
      const invalid = run({
        USERS_TABLE: context.config.tableNames.users,
        ADMIN_EMAIL: "nope",
        ADMIN_PASSWORD: "short",
      });
      assert.equal(invalid.status, 1);
      assert.match(invalid.stderr, /ADMIN_EMAIL: must be an email address/);
      assert.match(invalid.stderr, /ADMIN_PASSWORD: must be 10-128 characters/);
      const email = `ops-${Date.now()}@example.com`;
      const ok = run({
        USERS_TABLE: context.config.tableNames.users,
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: "ops password 123",
        PASSWORD_SCRYPT_LOG_N: "10",
      });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /: created/);
    });

    it("is idempotent and promotes an existing customer whose password is ADMIN_PASSWORD", async () => {
      const customer = await registerAndLogin(context.app);
      const input = { email: customer.email.toUpperCase(), password: customer.password, name: "Admin" };
      assert.equal(await ensureAdmin(context.users, context.passwords, input), "promoted");
      assert.equal(await ensureAdmin(context.users, context.passwords, input), "unchanged");
      const again = await login(context.app, customer.email, customer.password);
      const me = await request(context.app).get("/auth/me").set(again.auth);
      assert.equal(me.body.role, "admin");
    });
  });
});
