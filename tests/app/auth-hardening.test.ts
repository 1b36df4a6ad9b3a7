/**
 * Issue 18, tried as an attacker would: through HTTP, against DynamoDB Local. Each "source" is its own
 * loopback address (Linux routes all of 127.0.0.0/8 to this machine), so the app sees distinct TCP peers.
 * The clock is fixed a few seconds into an hour, so every fixed window in play (1 minute, 15 minutes, an
 * hour) is open for the whole test and no boundary can fall inside one.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { Express } from "express";
import jwt from "jsonwebtoken";
import serverless from "serverless-http";
import request from "supertest";
import { createDependencies } from "../../app/container";
import { createApp } from "../../app/http/create-app";
import { AdminBootstrapRefusedError, ensureAdmin } from "../../app/services/admin-bootstrap";
import { authLimitSettings } from "../../app/services/auth-limits";
import { assertProblem } from "../support/api-client";
import { connection, nonLoopbackAddress } from "../support/connection";
import {
  createTestContext,
  localEnvironment,
  productionAuthLimits,
  silentLogger,
  swaggerUiDir,
  type TestContext,
} from "../support/local-aws";

const limits = Object.fromEntries(
  Object.entries(authLimitSettings).map(([name, s]) => [name, s.fallback]),
) as Record<keyof typeof authLimitSettings, number>;

const agents = new Map<string, http.Agent>();

/** Requests whose TCP peer is `source` (a 127.x.y.z address), however the test labels them otherwise. */
function from(app: Express, source: string) {
  let agent = agents.get(source);
  if (!agent) {
    agent = new http.Agent({ localAddress: source } as http.AgentOptions);
    agents.set(source, agent);
  }
  const using = agent;
  return {
    login: (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      request(app).post("/auth/login").agent(using).set(headers).send(body),
    register: (email: string, password = "correct horse battery") =>
      request(app).post("/auth/register").agent(using).send({ email, password, name: "Someone" }),
  };
}

const password = "correct horse battery";
const newEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** Registers an account from `source` and logs it in there once: the owner's device token comes from this. */
async function owner(app: Express, source: string) {
  const email = newEmail("owner");
  assert.equal((await from(app, source).register(email)).status, 201);
  const first = await from(app, source).login({ email, password });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(typeof first.body.deviceToken, "string");
  return {
    email,
    deviceToken: first.body.deviceToken as string,
    accessToken: first.body.accessToken as string,
    refreshToken: first.body.refreshToken as string,
  };
}

describe("Auth hardening (issue 18)", function () {
  this.timeout(120_000);
  let context: TestContext;
  let hour = 0;

  before(async () => {
    context = await createTestContext(productionAuthLimits);
  });

  // A fresh hour per test (5 s into it), so no counter of one test is still open in the next.
  beforeEach(() => {
    hour++;
    context.setNow(new Date(Date.UTC(2031, 0, 1, hour, 0, 5)));
  });

  after(() => {
    for (const agent of agents.values()) agent.destroy();
  });

  it("lets the owner in at once after an attacker's 50 wrong passwords: from another source, and from the attacker's source with a device token", async () => {
    const victim = await owner(context.app, "127.0.1.1");
    const attacker = from(context.app, "127.0.1.2");
    const failedBefore = context.metrics.failedLogins;
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await attacker.login({ email: victim.email, password: `guess ${i}` })).status);
    // Only the account-and-source limit's worth of guesses was checked; the rest were refused unchecked.
    assert.equal(statuses.filter((s) => s === 401).length, limits.loginAccountSourceLimit);
    assert.equal(statuses.filter((s) => s === 429).length, 50 - limits.loginAccountSourceLimit);
    assert.equal(context.metrics.failedLogins - failedBefore, limits.loginAccountSourceLimit);
    const refused = await attacker.login({ email: victim.email, password });
    assertProblem(refused, 429);
    assert.ok(Number(refused.headers["retry-after"]) > 0);

    const elsewhere = await from(context.app, "127.0.1.3").login({ email: victim.email, password });
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    const sameSourceWithDevice = await attacker.login({
      email: victim.email,
      password,
      deviceToken: victim.deviceToken,
    });
    assert.equal(sameSourceWithDevice.status, 200, JSON.stringify(sameSourceWithDevice.body));

    // Each refusal is counted by reason, and the audit log records the lockout without a secret.
    assert.ok(context.metrics.authRefusals.includes("login-account-source"));
    const lockouts = context.audit.filter((e) => e.reason === "login-account-source");
    assert.ok(lockouts.length >= 45);
    assert.ok(lockouts.every((e) => e.status === 429 && e.ip?.endsWith("127.0.1.2")));
    const logged = JSON.stringify(context.audit);
    assert.ok(
      !logged.includes(password) && !logged.includes("guess 1") && !logged.includes(victim.deviceToken),
    );
  });

  it("refuses one source spraying one password over 200 emails long before the 200th: slowed, then refused; another source is unaffected", async () => {
    const sprayer = from(context.app, "127.0.2.1");
    const start = Date.UTC(2031, 0, 1, hour, 0, 5);
    const spray = async (count: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i++)
        statuses.push((await sprayer.login({ email: newEmail("sprayed"), password: "Summer2031!" })).status);
      return statuses;
    };
    const first = await spray(200);
    const firstRefusal = first.indexOf(429);
    assert.equal(firstRefusal, limits.loginSourceBurstLimit);
    assert.equal(first.filter((s) => s === 401).length, limits.loginSourceBurstLimit);
    const slowed = await sprayer.login({ email: newEmail("sprayed"), password: "x" });
    assert.ok(Number(slowed.headers["retry-after"]) <= limits.loginSourceBurstWindowSeconds);

    // Each later minute lets another burst through, until the hour's limit: then refused for the hour.
    let checked = limits.loginSourceBurstLimit;
    for (let minute = 1; checked < limits.loginSourceLimit; minute++) {
      context.setNow(new Date(start + minute * 60_000));
      checked += (await spray(limits.loginSourceBurstLimit)).filter((s) => s === 401).length;
    }
    assert.equal(checked, limits.loginSourceLimit);
    context.setNow(new Date(start + 10 * 60_000));
    const refused = await sprayer.login({ email: newEmail("sprayed"), password: "x" });
    assertProblem(refused, 429);
    assert.ok(Number(refused.headers["retry-after"]) > limits.loginSourceBurstWindowSeconds);
    assert.ok(context.metrics.authRefusals.includes("login-source-burst"));
    assert.ok(context.metrics.authRefusals.includes("login-source"));

    const bystander = await owner(context.app, "127.0.2.2");
    assertProblem(
      await from(context.app, "127.0.2.2").login({ email: bystander.email, password: "typo" }),
      401,
    );
  });

  it("counts the TCP peer (API Gateway's sourceIp on Lambda), never a spoofed X-Forwarded-For", async () => {
    const spoofer = from(context.app, "127.0.3.1");
    const statuses: number[] = [];
    for (let i = 0; i <= limits.loginSourceBurstLimit; i++) {
      const response = await spoofer.login(
        { email: newEmail("spoof"), password: "x" },
        {
          "X-Forwarded-For": `198.51.100.${i}`,
          "X-Real-IP": `198.51.100.${i}`,
          Forwarded: `for=198.51.100.${i}`,
        },
      );
      statuses.push(response.status);
    }
    assert.deepEqual(statuses.slice(0, -1), Array(limits.loginSourceBurstLimit).fill(401));
    assert.equal(statuses.at(-1), 429);

    const handler = serverless(context.app) as unknown as (
      event: APIGatewayProxyEventV2,
      context: Context,
    ) => Promise<APIGatewayProxyStructuredResultV2>;
    const lambdaLogin = (forwardedFor: string) =>
      handler(
        {
          version: "2.0",
          routeKey: "$default",
          rawPath: "/auth/login",
          rawQueryString: "",
          headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
          requestContext: {
            http: { method: "POST", path: "/auth/login", protocol: "HTTP/1.1", sourceIp: "203.0.113.77" },
          } as APIGatewayProxyEventV2["requestContext"],
          body: JSON.stringify({ email: newEmail("lambda"), password: "x" }),
          isBase64Encoded: false,
        },
        { awsRequestId: "r", getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
      );
    const lambdaStatuses: number[] = [];
    for (let i = 0; i <= limits.loginSourceBurstLimit; i++)
      lambdaStatuses.push((await lambdaLogin(`192.0.2.${i}`)).statusCode ?? 0);
    assert.deepEqual(lambdaStatuses.slice(0, -1), Array(limits.loginSourceBurstLimit).fill(401));
    assert.equal(lambdaStatuses.at(-1), 429);
  });

  it("throttles a registration flood from one source, and a second app instance over the same tables agrees", async () => {
    const flooder = from(context.app, "127.0.4.1");
    const statuses: number[] = [];
    for (let i = 0; i <= limits.registerSourceBurstLimit; i++)
      statuses.push((await flooder.register(newEmail("flood"))).status);
    assert.deepEqual(statuses.slice(0, -1), Array(limits.registerSourceBurstLimit).fill(201));
    assert.equal(statuses.at(-1), 429);
    assert.ok(context.metrics.authRefusals.includes("register-source-burst"));

    const now = Date.UTC(2031, 0, 1, hour, 0, 5);
    const second = createApp(
      createDependencies(context.config, {
        logger: silentLogger,
        metrics: context.metrics,
        swaggerUiDir,
        now: () => new Date(now),
      }),
    );
    const refused = await from(second, "127.0.4.1").register(newEmail("flood"));
    assertProblem(refused, 429);
    assert.ok(Number(refused.headers["retry-after"]) <= limits.registerSourceBurstWindowSeconds);
    assert.equal((await from(second, "127.0.4.2").register(newEmail("calm"))).status, 201);

    // Login counters too: a source locked out of an account on one instance is locked out on the other.
    const victim = await owner(context.app, "127.0.4.3");
    for (let i = 0; i < limits.loginAccountSourceLimit; i++)
      await from(context.app, "127.0.4.4").login({ email: victim.email, password: "wrong" });
    assertProblem(await from(second, "127.0.4.4").login({ email: victim.email, password }), 429);
  });

  it("ignores a device token of another account, an expired one, and one issued before logout-all", async () => {
    const victim = await owner(context.app, "127.0.5.1");
    const stranger = await owner(context.app, "127.0.5.2");
    const attackerSource = "127.0.5.3";
    const lockOut = async () => {
      for (let i = 0; i < limits.loginAccountSourceLimit; i++)
        await from(context.app, attackerSource).login({ email: victim.email, password: "wrong" });
    };
    const withDevice = (deviceToken: string) =>
      from(context.app, attackerSource).login({ email: victim.email, password, deviceToken });
    await lockOut();

    assertProblem(await withDevice(stranger.deviceToken), 429);
    const forged = jwt.sign({ token_use: "device", cred: "x", iat_ms: Date.now() }, "not the key at all!", {
      subject: "someone",
      expiresIn: 60,
    });
    assertProblem(await withDevice(forged), 429);
    assert.equal((await withDevice(victim.deviceToken)).status, 200);

    // Expired: the same token after its lifetime, with the source locked again in that later window.
    context.setNow(new Date(Date.UTC(2031, 0, 1, hour, 0, 5) + (limits.deviceTokenTtlSeconds + 60) * 1000));
    await lockOut();
    assertProblem(await withDevice(victim.deviceToken), 429);

    // Logout-all: every device and refresh token issued before it stops counting as proof.
    hour++;
    context.setNow(new Date(Date.UTC(2031, 0, 1, hour, 0, 5)));
    const fresh = await from(context.app, "127.0.5.1").login({ email: victim.email, password });
    assert.equal(fresh.status, 200);
    const loggedOut = await request(context.app)
      .post("/auth/logout-all")
      .set("Authorization", `Bearer ${fresh.body.accessToken}`);
    assert.equal(loggedOut.status, 204);
    await lockOut();
    assertProblem(await withDevice(fresh.body.deviceToken), 429);
    assertProblem(
      await request(context.app).post("/auth/refresh").send({ refreshToken: fresh.body.refreshToken }),
      401,
    );
    // The access token stays valid until it expires, as the API docs say.
    assert.equal(
      (await request(context.app).get("/auth/me").set("Authorization", `Bearer ${fresh.body.accessToken}`))
        .status,
      200,
    );
    context.setNow(new Date(Date.UTC(2031, 0, 1, hour, 0, 6)));
    const after = await from(context.app, "127.0.5.1").login({ email: victim.email, password });
    assert.equal(after.status, 200);
    assert.equal((await withDevice(after.body.deviceToken)).status, 200);
    assert.equal(
      (await request(context.app).post("/auth/refresh").send({ refreshToken: after.body.refreshToken }))
        .status,
      200,
    );
    assertProblem(await request(context.app).post("/auth/logout-all"), 401);
  });

  it("checks at most the limit of guesses in a burst of 40 parallel wrong passwords, then refuses the right one from that source", async () => {
    const victim = await owner(context.app, "127.0.6.1");
    const failedBefore = context.metrics.failedLogins;
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        from(context.app, "127.0.6.2").login({ email: victim.email, password: `parallel guess ${i}` }),
      ),
    );
    const checked = burst.filter((r) => r.status === 401).length;
    assert.ok(checked >= 1 && checked <= limits.loginAccountSourceLimit, `checked ${checked}`);
    assert.equal(context.metrics.failedLogins - failedBefore, checked);
    assert.ok(burst.every((r) => r.status === 401 || r.status === 429));
    assertProblem(await from(context.app, "127.0.6.2").login({ email: victim.email, password }), 429);

    // The right password inside the burst: still no more than the limit of attempts get checked at all.
    const other = await owner(context.app, "127.0.6.3");
    const mixed = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        from(context.app, "127.0.6.4").login({ email: other.email, password: `parallel guess ${i}` }),
      ),
      from(context.app, "127.0.6.4").login({ email: other.email, password }),
    ]);
    // Failures are never given back, so however the right one fares, the wrong guesses checked stay within the limit.
    const wrongChecked = mixed.filter((r) => r.status === 401).length;
    assert.ok(wrongChecked <= limits.loginAccountSourceLimit, `checked ${wrongChecked}`);
    assert.ok(mixed.every((r) => [200, 401, 429].includes(r.status)));
  });

  it("refuses to bootstrap an admin over a pre-registered email, in npm start's bootstrap and the AWS command, and leaves the account a customer", async () => {
    const email = newEmail("future-admin");
    assert.equal(
      (await from(context.app, "127.0.7.1").register(email, "the stranger's password")).status,
      201,
    );
    const operator = { email, password: "the operator's password", name: "Admin" };
    await assert.rejects(ensureAdmin(context.users, context.passwords, operator), (error: unknown) => {
      assert.ok(error instanceof AdminBootstrapRefusedError);
      assert.doesNotMatch(error.message, /\n/);
      assert.match(error.message, /already exists.*ADMIN_PASSWORD.*ADMIN_EMAIL/);
      return true;
    });
    const command = spawnSync(process.execPath, ["--import", "tsx", "app/entrypoints/bootstrap-admin.ts"], {
      env: {
        ...process.env,
        USERS_TABLE: context.config.tableNames.users,
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: operator.password,
        PASSWORD_SCRYPT_LOG_N: "10",
      },
      encoding: "utf8",
    });
    assert.equal(command.status, 1, command.stdout);
    assert.equal(command.stderr.trim().split("\n").length, 1, command.stderr);
    assert.match(command.stderr, /^Refusing to make .* an administrator/);

    assert.equal((await context.users.findByEmail(email))?.role, "customer");
    assertProblem(await from(context.app, "127.0.7.2").login({ email, password: operator.password }), 401);
    const stranger = await from(context.app, "127.0.7.2").login({
      email,
      password: "the stranger's password",
    });
    const me = await request(context.app)
      .get("/auth/me")
      .set("Authorization", `Bearer ${stranger.body.accessToken}`);
    assert.equal(me.body.role, "customer");
  });

  it("answers 401 to access tokens without exp or iat, with a future iat, or with a lifetime beyond the TTL", async () => {
    const account = await owner(context.app, "127.0.8.1");
    const user = await context.users.findByEmail(account.email);
    const { kid, secret } = await context.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const ttl = context.config.jwt.accessTokenTtlSeconds;
    const base = { email: account.email, role: "customer", token_use: "access", sub: user!.id };
    const options = {
      issuer: "shop-api",
      audience: "shop-api-clients",
      algorithm: "HS256" as const,
      keyid: kid,
    };
    const me = (token: string) =>
      request(context.app).get("/auth/me").set("Authorization", `Bearer ${token}`);

    assert.equal((await me(jwt.sign({ ...base, iat: now, exp: now + ttl }, secret, options))).status, 200);
    const rejected = {
      "no exp": jwt.sign({ ...base, iat: now }, secret, options),
      "no iat": jwt.sign({ ...base, exp: now + 60 }, secret, { ...options, noTimestamp: true }),
      "iat an hour ahead": jwt.sign({ ...base, iat: now + 3600, exp: now + 3600 + ttl }, secret, options),
      "ten-year lifetime": jwt.sign({ ...base, iat: now, exp: now + 10 * 365 * 86_400 }, secret, options),
      "lifetime one second over the TTL": jwt.sign(
        { ...base, iat: now, exp: now + ttl + 1 },
        secret,
        options,
      ),
    };
    for (const [label, token] of Object.entries(rejected)) {
      const response = await me(token);
      assert.equal(response.status, 401, label);
    }
    const skewed = now + limits.tokenClockSkewSeconds - 5;
    assert.equal(
      (await me(jwt.sign({ ...base, iat: skewed, exp: skewed + ttl }, secret, options))).status,
      200,
    );
  });

  it("refuses JSON bodies in UTF-16 with 415 and registers nothing", async () => {
    const email = newEmail("utf16");
    const json = JSON.stringify({ email, password, name: "Sixteen" });
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]);
    const cases: [string, Buffer][] = [
      ["application/json; charset=utf-16", utf16le],
      ["application/json; charset=UTF-16LE", Buffer.from(json, "utf16le")],
      ["application/json", utf16le],
      ["application/json", Buffer.from(json, "utf16le")],
      ["application/json; charset=iso-8859-1", Buffer.from(json, "latin1")],
    ];
    for (const [type, body] of cases) {
      const response = await request(context.app)
        .post("/auth/register")
        .set("Content-Type", type)
        .serialize((raw: Buffer) => raw as unknown as string)
        .send(body as unknown as object);
      assertProblem(response, 415);
    }
    assert.equal(await context.users.findByEmail(email), undefined);
    const utf8 = await request(context.app)
      .post("/auth/register")
      .set("Content-Type", "application/json; charset=utf-8")
      .serialize((raw: Buffer) => raw as unknown as string)
      .send(Buffer.from(json, "utf8") as unknown as object);
    assert.equal(utf8.status, 201);
  });

  it("keeps DynamoDB Local and s3rver on loopback: a non-loopback address of this machine refuses connections", async function () {
    const external = nonLoopbackAddress();
    if (!external) {
      console.log("    (skipped: this machine has no non-loopback address to try)");
      this.skip();
    }
    await localEnvironment();
    for (const variable of ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3"]) {
      const port = Number(new URL(process.env[variable]!).port);
      assert.equal(await connection("127.0.0.1", port), "connected", variable);
      assert.equal(await connection(external, port), "ECONNREFUSED", `${variable} on ${external}`);
    }
  });
});
