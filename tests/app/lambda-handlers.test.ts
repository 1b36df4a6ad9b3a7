import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { tables } from "../../app/data/tables";
import { createTestContext, type TestContext } from "../support/local-aws";

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const lambdaContext = {
  awsRequestId: "req-1",
  functionName: "shop-api",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** An API Gateway HTTP API (payload format 2.0) event, as the `$default` route delivers it. */
function httpApiEvent(options: {
  method: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: options.rawPath,
    rawQueryString: options.rawQueryString ?? "",
    cookies: options.cookies,
    headers: { host: "api.example.com", "user-agent": "test", ...options.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: {
        method: options.method,
        path: options.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: "test",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

const json = (result: APIGatewayProxyStructuredResultV2) =>
  JSON.parse(result.isBase64Encoded ? Buffer.from(result.body!, "base64").toString() : result.body!);

describe("Lambda handlers (API Gateway HTTP API payload 2.0, EventBridge schedule)", () => {
  let context: TestContext;
  let api: Handler;
  let report: (event: unknown) => Promise<{ week: string; orderCount: number; location: string }>;
  let stdout: string[];
  let restoreStdout: () => void;

  before(async () => {
    context = await createTestContext();
    for (const [key, table] of Object.entries(tables)) {
      process.env[table.envVar] = context.config.tableNames[key as keyof typeof tables];
    }
    process.env.PASSWORD_SCRYPT_LOG_N = "10";
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    api = (await import("../../app/entrypoints/lambda-api")).handler as unknown as Handler;
    report = (await import("../../app/entrypoints/lambda-report")).handler as typeof report;
  });

  beforeEach(() => {
    stdout = [];
    const original = process.stdout.write.bind(process.stdout);
    // Keep the app's JSON log lines; let everything else (the test reporter) through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = String(chunk);
      if (text.startsWith("{")) {
        stdout.push(text);
        return true;
      }
      return original(chunk, ...rest);
    }) as typeof process.stdout.write;
    restoreStdout = () => (process.stdout.write = original);
  });

  afterEach(() => restoreStdout());

  async function register(email: string) {
    const body = Buffer.from(JSON.stringify({ email, password: "lambda password", name: "Lambda" })).toString(
      "base64",
    );
    return api(
      httpApiEvent({
        method: "POST",
        rawPath: "/auth/register",
        headers: { "content-type": "application/json" },
        body,
        isBase64Encoded: true,
      }),
      lambdaContext,
    );
  }

  it("serves /health with the correlation id and security headers", async () => {
    const result = await api(
      httpApiEvent({ method: "GET", rawPath: "/health", headers: { "x-correlation-id": "lambda-corr-01" } }),
      lambdaContext,
    );
    assert.equal(result.statusCode, 200);
    assert.deepEqual(json(result), { status: "ok" });
    assert.equal(result.headers!["x-correlation-id"], "lambda-corr-01");
    assert.equal(result.headers!["x-content-type-options"], "nosniff");
    assert.equal(result.headers!["x-powered-by"], undefined);
  });

  it("decodes base64 bodies, logs an audit line with the caller's source IP, and authenticates bearer tokens", async () => {
    const email = `lambda-${randomUUID().slice(0, 8)}@example.com`;
    const registered = await register(email);
    assert.equal(registered.statusCode, 201, registered.body);
    const audit = stdout.map((line) => JSON.parse(line)).find((line) => line.audit === true);
    assert.ok(audit, stdout.join(""));
    assert.deepEqual(
      { ip: audit.ip, route: audit.route, status: audit.status, email: audit.email },
      { ip: "203.0.113.9", route: "/auth/register", status: 201, email },
    );
    assert.ok(!stdout.join("").includes("lambda password"));

    const login = await api(
      httpApiEvent({
        method: "POST",
        rawPath: "/auth/login",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "lambda password" }),
      }),
      lambdaContext,
    );
    assert.equal(login.statusCode, 200);
    const { accessToken } = json(login);
    const me = await api(
      httpApiEvent({
        method: "GET",
        rawPath: "/auth/me",
        headers: { authorization: `Bearer ${accessToken}` },
        cookies: ["session=ignored", "theme=dark"],
      }),
      lambdaContext,
    );
    assert.equal(me.statusCode, 200);
    assert.equal(json(me).email, email);
  });

  it("passes query strings and percent-encoded path segments through, and rejects malformed ones", async () => {
    const list = await api(
      httpApiEvent({
        method: "GET",
        rawPath: "/products",
        rawQueryString: "limit=2&category=no%20such%20category",
      }),
      lambdaContext,
    );
    assert.equal(list.statusCode, 200);
    assert.deepEqual(json(list), { items: [], nextCursor: null });
    const badLimit = await api(
      httpApiEvent({ method: "GET", rawPath: "/products", rawQueryString: "limit=1000" }),
      lambdaContext,
    );
    assert.equal(badLimit.statusCode, 400);
    assert.equal(badLimit.headers!["content-type"], "application/problem+json; charset=utf-8");

    const id = randomUUID();
    const encoded = `/products/${id.replace(/-/g, "%2D")}`;
    const missing = await api(httpApiEvent({ method: "GET", rawPath: encoded }), lambdaContext);
    assert.equal(missing.statusCode, 404);
    assert.match(json(missing).detail, /product/);
    const malformed = await api(
      httpApiEvent({ method: "GET", rawPath: "/products/%E0%A4%A" }),
      lambdaContext,
    );
    assert.equal(malformed.statusCode, 400);
  });

  it("answers oversized and non-JSON bodies with 413 and 415", async () => {
    const big = await api(
      httpApiEvent({
        method: "POST",
        rawPath: "/auth/login",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "x".repeat(200_000) }),
      }),
      lambdaContext,
    );
    assert.equal(big.statusCode, 413);
    const text = await api(
      httpApiEvent({
        method: "POST",
        rawPath: "/auth/login",
        headers: { "content-type": "text/plain" },
        body: "hello",
      }),
      lambdaContext,
    );
    assert.equal(text.statusCode, 415);
  });

  it("runs the scheduled report job for last week, and for a requested week", async () => {
    const scheduled = await report({ "detail-type": "Scheduled Event", source: "aws.events", detail: {} });
    const lastWeekStart = new Date(Date.now() - 7 * 86_400_000);
    assert.match(scheduled.week, /^\d{4}-W\d{2}$/);
    assert.ok(scheduled.location.endsWith(`/reports/weekly/${scheduled.week}.json`));
    const { isoWeekOf } = await import("../../app/domain/iso-week");
    assert.equal(scheduled.week, isoWeekOf(lastWeekStart));
    const backfill = await report({ week: "2030-W01" });
    assert.equal(backfill.week, "2030-W01");
    assert.equal(backfill.orderCount, 0);
    await assert.rejects(report({ week: "2030-W99" }), /Invalid week/);
  });
});
