/**
 * ApiService: the shop API. A ContainerFunction runs the image's default handler with an inline policy
 * built from the app's table access list (exact DynamoDB actions on exact table and index ARNs, the one
 * JWT secret, report objects under `reports/`); its environment carries table names and the secret's ARN,
 * never a secret value. An HTTP API (payload format 2.0) proxies every route to it through a `$default`
 * stage with auto-deploy, JSON access logs, default route throttling and CORS for the configured origins;
 * API Gateway may invoke the function only from this API. A custom domain is added when configured.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tables, type TableKey } from "../../app/data/tables";
import { authLimitSettings, defaultAuthLimits, type AuthLimits } from "../../app/services/auth-limits";
import { ContainerFunction, type LambdaArchitecture } from "../container-function";
import type { TableReference } from "../data-tables";
import { awsContext } from "../shared/aws-context";
import { apiAccessStatements } from "./access-policy";
import { ApiDomain } from "./api-domain";

export { apiAccessStatements } from "./access-policy";
export { ApiDomain, type ApiDomainArgs } from "./api-domain";

export interface ApiServiceArgs {
  /** Image to run, pinned by digest. Required. */
  readonly imageUri: pulumi.Input<string>;
  /** The shop's tables (names go to the environment, ARNs to the policy). Required. */
  readonly tables: Readonly<Record<TableKey, TableReference>>;
  /** Customer-managed key of the tables, if any. Default: none (AWS-managed key, no KMS grant). */
  readonly tablesKmsKeyArn?: pulumi.Input<string>;
  /** Secrets Manager secret holding the JWT signing key. Required. */
  readonly jwtSecretArn: pulumi.Input<string>;
  /** KMS key of that secret. Default: none (AWS-managed key). */
  readonly jwtSecretKmsKeyArn?: pulumi.Input<string>;
  /**
   * Bucket the admin report endpoints write to and read from, and its customer-managed key if it has one
   * (then used only through S3). Required; the key defaults to none (S3's own encryption).
   */
  readonly reportsBucket: {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    readonly kmsKeyArn?: pulumi.Input<string>;
  };
  /** JWT `iss` claim. Default: "shop-api". */
  readonly jwtIssuer?: pulumi.Input<string>;
  /** JWT `aud` claim. Default: "shop-api-clients". */
  readonly jwtAudience?: pulumi.Input<string>;
  /** Exact browser origins allowed by CORS. Default: none (CORS off). */
  readonly corsOrigins?: readonly string[];
  /** Physical function name. Default: the component's name. */
  readonly functionName?: string;
  /** Memory in MB. Default: 1024. */
  readonly memorySize?: pulumi.Input<number>;
  /** Timeout in seconds (at most 29, the integration limit). Default: 10. */
  readonly timeout?: pulumi.Input<number>;
  /** Reserved concurrent executions. Default: 10. */
  readonly reservedConcurrency?: pulumi.Input<number>;
  /** Architecture of the image. Default: "x86_64". */
  readonly architecture?: pulumi.Input<LambdaArchitecture>;
  /** Retention of the function and access log groups in days. Default: 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** KMS key for both log groups. Default: CloudWatch Logs' own encryption. */
  readonly logsKmsKeyArn?: pulumi.Input<string>;
  /** LOG_LEVEL and the Lambda application log level. Default: "INFO". */
  readonly logLevel?: pulumi.Input<string>;
  /** Steady-state requests per second of the stage. Default: 100. */
  readonly throttlingRateLimit?: pulumi.Input<number>;
  /** Burst of the stage. Default: 200. */
  readonly throttlingBurstLimit?: pulumi.Input<number>;
  /**
   * Requests per second and burst of `POST /auth/login` and `POST /auth/register` together with the stage's
   * other limits: each hashes a password (tens of ms of CPU), so a flood of them must not use up the whole
   * stage's bucket. API Gateway HTTP APIs throttle per route, not per client; the app's own counters
   * (authLimits) do the per-source part. Default: 20 per second, burst 40.
   */
  readonly authThrottling?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * The app's login and registration limits, passed as its environment variables. Default: the app's own
   * defaults (app/services/auth-limits.ts, where each is explained).
   */
  readonly authLimits?: Partial<AuthLimits>;
  /** Custom domain. Default: none (the execute-api endpoint). */
  readonly domain?: {
    readonly domainName: pulumi.Input<string>;
    readonly hostedZoneId: pulumi.Input<string>;
  };
}

const metricsServiceName = "shop-api";

/** Access log fields (API Gateway `$context` variables), one JSON object per request. */
export const accessLogFormat = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  httpMethod: "$context.httpMethod",
  path: "$context.path",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
});

export class ApiService extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly apiId: pulumi.Output<string>;
  public readonly apiEndpoint: pulumi.Output<string>;
  public readonly executionArn: pulumi.Output<string>;
  public readonly stageName: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly accessLogGroupName: pulumi.Output<string>;
  /** The `service` dimension of the app's own metrics (its POWERTOOLS_SERVICE_NAME). */
  public readonly metricsServiceName = metricsServiceName;

  constructor(name: string, args: ApiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:api:ApiService", name, {}, opts);

    const functionName = args.functionName ?? name;
    const jwtIssuer = args.jwtIssuer ?? "shop-api";
    const jwtAudience = args.jwtAudience ?? "shop-api-clients";
    const corsOrigins = args.corsOrigins ?? [];
    const memorySize = args.memorySize ?? 1024;
    const timeout = args.timeout ?? 10;
    const reservedConcurrency = args.reservedConcurrency ?? 10;
    const logRetentionDays = args.logRetentionDays ?? 30;
    const logLevel = args.logLevel ?? "INFO";
    const throttlingRateLimit = args.throttlingRateLimit ?? 100;
    const throttlingBurstLimit = args.throttlingBurstLimit ?? 200;
    const authThrottling = args.authThrottling ?? { rateLimit: 20, burstLimit: 40 };
    const authLimits = { ...defaultAuthLimits, ...args.authLimits };

    if (corsOrigins.includes("*"))
      throw new Error(`ApiService ${name}: corsOrigins must list exact origins, not "*"`);

    const { region } = awsContext(this);
    const tableKeys = Object.keys(tables) as TableKey[];

    const fn = new ContainerFunction(
      `${name}-function`,
      {
        functionName,
        description: "Shop HTTP API (Express)",
        imageUri: args.imageUri,
        memorySize,
        timeout,
        reservedConcurrentExecutions: reservedConcurrency,
        architecture: args.architecture,
        logRetentionDays,
        logsKmsKeyArn: args.logsKmsKeyArn,
        applicationLogLevel: logLevel,
        environment: {
          ...Object.fromEntries(
            tableKeys.map((tableKey) => [tables[tableKey].envVar, args.tables[tableKey].name]),
          ),
          JWT_SECRET_ARN: args.jwtSecretArn,
          JWT_ISSUER: jwtIssuer,
          JWT_AUDIENCE: jwtAudience,
          REPORTS_BUCKET: args.reportsBucket.name,
          CORS_ORIGINS: corsOrigins.join(","),
          POWERTOOLS_SERVICE_NAME: metricsServiceName,
          LOG_LEVEL: logLevel,
          NODE_OPTIONS: "--enable-source-maps",
          ...Object.fromEntries(
            Object.entries(authLimitSettings).map(([limit, setting]) => [
              setting.envVar,
              String(authLimits[limit as keyof AuthLimits]),
            ]),
          ),
        },
        policyStatements: apiAccessStatements({
          tableArns: Object.fromEntries(
            tableKeys.map((tableKey) => [tableKey, args.tables[tableKey].arn]),
          ) as Record<TableKey, pulumi.Output<string>>,
          jwtSecretArn: args.jwtSecretArn,
          jwtSecretKmsKeyArn: args.jwtSecretKmsKeyArn,
          tablesKmsKeyArn: args.tablesKmsKeyArn,
          reportsBucketArn: args.reportsBucket.arn,
          reportsKmsKeyArn: args.reportsBucket.kmsKeyArn,
          region,
        }),
      },
      { parent: this },
    );

    const api = new aws.apigatewayv2.Api(
      name,
      {
        protocolType: "HTTP",
        description: "Shop HTTP API",
        corsConfiguration:
          corsOrigins.length > 0
            ? {
                allowOrigins: [...corsOrigins],
                allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allowHeaders: ["authorization", "content-type", "idempotency-key"],
                // Bearer tokens travel in a header, never in cookies: browsers need no credentials mode.
                allowCredentials: false,
                maxAge: 600,
              }
            : undefined,
      },
      { parent: this },
    );

    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      {
        name: `/aws/apigateway/${name}/access`,
        retentionInDays: logRetentionDays,
        kmsKeyId: args.logsKmsKeyArn,
      },
      { parent: this },
    );

    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        integrationUri: fn.functionArn,
        payloadFormatVersion: "2.0",
      },
      { parent: this },
    );

    const target = pulumi.interpolate`integrations/${integration.id}`;
    new aws.apigatewayv2.Route(
      `${name}-default-route`,
      { apiId: api.id, routeKey: "$default", target },
      { parent: this },
    );
    // Their own routes (same integration) only so that the stage can throttle them on their own.
    const authRouteKeys = ["POST /auth/login", "POST /auth/register"];
    const authRoutes = authRouteKeys.map(
      (routeKey) =>
        new aws.apigatewayv2.Route(
          `${name}-${routeKey.split("/").pop()}-route`,
          { apiId: api.id, routeKey, target },
          { parent: this },
        ),
    );

    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat },
        defaultRouteSettings: { throttlingRateLimit, throttlingBurstLimit, detailedMetricsEnabled: true },
        routeSettings: authRouteKeys.map((routeKey) => ({
          routeKey,
          throttlingRateLimit: authThrottling.rateLimit,
          throttlingBurstLimit: authThrottling.burstLimit,
          detailedMetricsEnabled: true,
        })),
      },
      { parent: this, dependsOn: authRoutes },
    );

    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.functionName,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
      },
      { parent: this },
    );

    const domain = args.domain
      ? new ApiDomain(
          `${name}-domain`,
          {
            domainName: args.domain.domainName,
            hostedZoneId: args.domain.hostedZoneId,
            apiId: api.id,
            stageName: stage.name,
          },
          { parent: this },
        )
      : undefined;

    this.url = domain ? domain.url : stage.invokeUrl;
    this.apiId = api.id;
    this.apiEndpoint = api.apiEndpoint;
    this.executionArn = api.executionArn;
    this.stageName = stage.name;
    this.functionName = fn.functionName;
    this.functionArn = fn.functionArn;
    this.roleArn = fn.roleArn;
    this.accessLogGroupName = accessLogs.name;
    this.registerOutputs({
      url: this.url,
      apiId: this.apiId,
      apiEndpoint: this.apiEndpoint,
      executionArn: this.executionArn,
      stageName: this.stageName,
      functionName: this.functionName,
      functionArn: this.functionArn,
      roleArn: this.roleArn,
      accessLogGroupName: this.accessLogGroupName,
    });
  }
}
