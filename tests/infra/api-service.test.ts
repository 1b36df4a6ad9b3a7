import assert from "node:assert/strict";
import { authLimitSettings } from "../../app/services/auth-limits";
import { apiTableAccess, tables, type TableKey } from "../../app/data/tables";
import { accessLogFormat, ApiService, type ApiServiceArgs } from "../../components/api-service";
import {
  defaultTestConfig,
  grants,
  ofType,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "./support/run-queries";
import * as pulumi from "@pulumi/pulumi";

const options = { stack: "test", config: defaultTestConfig };
const imageUri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-test-app@sha256:${"c".repeat(64)}`;
const tableArn = (key: TableKey) =>
  `arn:aws:dynamodb:us-east-1:123456789012:table/shop-test-${tables[key].name}`;
const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt-AbCdEf";
const bucketArn = "arn:aws:s3:::reports-bucket";

const baseArgs = (): ApiServiceArgs => ({
  imageUri,
  tables: Object.fromEntries(
    (Object.keys(tables) as TableKey[]).map((key) => [
      key,
      { name: pulumi.output(`shop-test-${tables[key].name}`), arn: pulumi.output(tableArn(key)) },
    ]),
  ) as ApiServiceArgs["tables"],
  jwtSecretArn: secretArn,
  reportsBucket: { name: "reports-bucket", arn: bucketArn },
  corsOrigins: ["https://shop.example.com"],
});

describe("ApiService", () => {
  let run: Awaited<ReturnType<typeof runUnderMocks>>;
  before(async () => {
    run = await runUnderMocks(() => {
      const api = new ApiService("shop-test-api", baseArgs());
      return { url: api.url };
    }, options);
  });

  it("grants exactly the app's DynamoDB actions on each table, Query on each index, the one secret and report objects", () => {
    const expected = [
      ...(Object.keys(apiTableAccess) as TableKey[]).flatMap((key) =>
        apiTableAccess[key].map((action) => `${action} on ${tableArn(key)}`),
      ),
      `dynamodb:Query on ${tableArn("orders")}/index/byUser`,
      `dynamodb:Query on ${tableArn("orders")}/index/byWeek`,
      `dynamodb:Query on ${tableArn("products")}/index/byCategory`,
      `secretsmanager:GetSecretValue on ${secretArn}`,
      `s3:PutObject on ${bucketArn}/reports/*`,
      `s3:GetObject on ${bucketArn}/reports/*`,
      "logs:CreateLogStream on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-test-api:*",
      "logs:PutLogEvents on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-test-api:*",
      "xray:PutTelemetryRecords on *",
      "xray:PutTraceSegments on *",
    ].sort();
    const statements = statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy"));
    assert.deepEqual(grants(statements), expected);
    assert.ok(
      statements.every((s) => s.Effect === "Allow" && !s.Condition),
      "no KMS statement without a customer key",
    );
  });

  it("runs the image's default handler with table names and the secret's ARN, never a secret value", () => {
    const fn = only(run, "aws:lambda/function:Function");
    assert.equal(fn.inputs.name, "shop-test-api");
    assert.equal(fn.inputs.imageUri, imageUri);
    assert.equal(fn.inputs.imageConfig, undefined);
    const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(variables, {
      ...Object.fromEntries(Object.values(tables).map((t) => [t.envVar, `shop-test-${t.name}`])),
      JWT_SECRET_ARN: secretArn,
      // The login and registration limits, at the app's defaults unless the stack overrides them.
      ...Object.fromEntries(Object.values(authLimitSettings).map((s) => [s.envVar, String(s.fallback)])),
      JWT_ISSUER: "shop-api",
      JWT_AUDIENCE: "shop-api-clients",
      REPORTS_BUCKET: "reports-bucket",
      CORS_ORIGINS: "https://shop.example.com",
      POWERTOOLS_SERVICE_NAME: "shop-api",
      LOG_LEVEL: "INFO",
      NODE_OPTIONS: "--enable-source-maps",
    });
    assert.deepEqual(fn.secretInputs, []);
    const logGroup = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find(
      (g) => g.inputs.name === "/aws/lambda/shop-test-api",
    );
    assert.ok(logGroup && fn.dependencies.includes(logGroup.urn), "the function's log group exists first");
  });

  it("proxies every route through a $default stage with access logs, throttling and exact CORS origins", () => {
    const api = only(run, "aws:apigatewayv2/api:Api");
    assert.equal(api.inputs.protocolType, "HTTP");
    assert.deepEqual(api.inputs.corsConfiguration, {
      allowOrigins: ["https://shop.example.com"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["authorization", "content-type", "idempotency-key"],
      allowCredentials: false,
      maxAge: 600,
    });

    const integration = only(run, "aws:apigatewayv2/integration:Integration");
    assert.equal(integration.inputs.payloadFormatVersion, "2.0");
    assert.equal(integration.inputs.integrationType, "AWS_PROXY");
    assert.equal(integration.inputs.integrationUri, only(run, "aws:lambda/function:Function").outputs.arn);
    // $default takes every request; login and registration get routes of their own only to be throttled apart.
    const routes = ofType(run, "aws:apigatewayv2/route:Route").map((r) => [
      r.inputs.routeKey,
      r.inputs.target,
    ]);
    assert.deepEqual(routes.sort(), [
      ["$default", `integrations/${integration.id}`],
      ["POST /auth/login", `integrations/${integration.id}`],
      ["POST /auth/register", `integrations/${integration.id}`],
    ]);

    const stage = only(run, "aws:apigatewayv2/stage:Stage");
    const accessLogs = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find(
      (g) => g.name === "shop-test-api-access-logs",
    )!;
    assert.equal(stage.inputs.name, "$default");
    assert.equal(stage.inputs.autoDeploy, true);
    assert.deepEqual(stage.inputs.accessLogSettings, {
      destinationArn: accessLogs.outputs.arn,
      format: accessLogFormat,
    });
    assert.deepEqual(stage.inputs.defaultRouteSettings, {
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
      detailedMetricsEnabled: true,
    });
    assert.deepEqual(stage.inputs.routeSettings, [
      {
        routeKey: "POST /auth/login",
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        detailedMetricsEnabled: true,
      },
      {
        routeKey: "POST /auth/register",
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        detailedMetricsEnabled: true,
      },
    ]);
    assert.equal(accessLogs.inputs.retentionInDays, 30);
    assert.ok(
      Object.values(JSON.parse(accessLogFormat) as Record<string, string>).every((v) =>
        v.startsWith("$context."),
      ),
    );
  });

  it("lets API Gateway invoke the function only from this API", () => {
    const permission = only(run, "aws:lambda/permission:Permission");
    assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
    assert.equal(permission.inputs.action, "lambda:InvokeFunction");
    assert.equal(permission.inputs.function, "shop-test-api");
    assert.equal(
      permission.inputs.sourceArn,
      `${only(run, "aws:apigatewayv2/api:Api").outputs.executionArn as string}/*/*`,
    );
    assert.equal(run.outputs.url.value, only(run, "aws:apigatewayv2/stage:Stage").outputs.invokeUrl);
  });

  it("grants kms:Decrypt only through Secrets Manager and DynamoDB when those use customer keys", async () => {
    const keyed = await runUnderMocks(() => {
      new ApiService("api", {
        ...baseArgs(),
        jwtSecretKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/secret",
        tablesKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/tables",
      });
    }, options);
    const statements = statementsOf(only(keyed, "aws:iam/rolePolicy:RolePolicy"));
    assert.deepEqual(statement(statements, "DecryptJwtSigningKey"), {
      Sid: "DecryptJwtSigningKey",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "arn:aws:kms:us-east-1:123456789012:key/secret",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
    assert.deepEqual(statement(statements, "DecryptTables").Condition, {
      StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
    });
  });

  it("uses the reports bucket's customer key only through S3: Decrypt to read a report, GenerateDataKey to write one", async () => {
    const reportsKey = "arn:aws:kms:us-east-1:123456789012:key/reports";
    const keyed = await runUnderMocks(() => {
      new ApiService("api", {
        ...baseArgs(),
        reportsBucket: { name: "reports-bucket", arn: bucketArn, kmsKeyArn: reportsKey },
      });
    }, options);
    const statements = statementsOf(only(keyed, "aws:iam/rolePolicy:RolePolicy"));
    const throughS3 = { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } };
    assert.deepEqual(statement(statements, "DecryptReports"), {
      Sid: "DecryptReports",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: reportsKey,
      Condition: throughS3,
    });
    assert.deepEqual(statement(statements, "EncryptReports"), {
      Sid: "EncryptReports",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: reportsKey,
      Condition: throughS3,
    });
    const onKey = statements.filter((s) => [s.Resource].flat().includes(reportsKey));
    assert.equal(onKey.length, 2, "no other grant on the reports key");
  });

  it("serves a custom domain through a DNS-validated certificate when one is configured", async () => {
    const withDomain = await runUnderMocks(() => {
      const api = new ApiService("api", {
        ...baseArgs(),
        corsOrigins: [],
        domain: { domainName: "api.shop.example.com", hostedZoneId: "Z123" },
      });
      return { url: api.url };
    }, options);
    assert.equal(withDomain.outputs.url.value, "https://api.shop.example.com/");
    const certificate = only(withDomain, "aws:acm/certificate:Certificate");
    const validation = only(withDomain, "aws:route53/record:Record", "api-domain-validation");
    const [option] = certificate.outputs.domainValidationOptions as { resourceRecordName: string }[];
    assert.equal(validation.inputs.name, option.resourceRecordName);
    const domain = only(withDomain, "aws:apigatewayv2/domainName:DomainName");
    assert.deepEqual(domain.inputs.domainNameConfiguration, {
      certificateArn: certificate.outputs.arn,
      endpointType: "REGIONAL",
      securityPolicy: "TLS_1_2",
    });
    const mapping = only(withDomain, "aws:apigatewayv2/apiMapping:ApiMapping");
    assert.deepEqual(
      [mapping.inputs.apiId, mapping.inputs.stage],
      [only(withDomain, "aws:apigatewayv2/api:Api").id, "$default"],
    );
    const alias = only(withDomain, "aws:route53/record:Record", "api-domain-alias");
    assert.equal(
      (alias.inputs.aliases as { name: string }[])[0].name,
      (domain.outputs.domainNameConfiguration as { targetDomainName: string }).targetDomainName,
    );
    assert.equal(
      only(withDomain, "aws:apigatewayv2/api:Api").inputs.corsConfiguration,
      undefined,
      "no CORS without origins",
    );
  });

  it("refuses a wildcard CORS origin", async () => {
    await assert.rejects(
      runUnderMocks(() => void new ApiService("api", { ...baseArgs(), corsOrigins: ["*"] }), options),
      /exact origins/,
    );
  });
});
