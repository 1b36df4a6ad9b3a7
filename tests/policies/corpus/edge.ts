import { arn, P, resource, type ResourceCase } from "./case";

const trail = (name: string, properties: Record<string, unknown>) =>
  resource("aws:cloudtrail/trail:Trail", name, { s3BucketName: "shop-audit", ...properties });
const completeTrail = {
  enableLogFileValidation: true,
  isMultiRegionTrail: true,
  kmsKeyId: arn.key("audit"),
  cloudWatchLogsGroupArn: `${arn.logGroup("/aws/cloudtrail/shop")}:*`,
  cloudWatchLogsRoleArn: arn.role("shop-trail-delivery"),
};
const stage = (name: string, properties: Record<string, unknown>) =>
  resource("aws:apigatewayv2/stage:Stage", name, {
    apiId: "a1b2c3",
    name: "$default",
    autoDeploy: true,
    ...properties,
  });
const accessLogs = {
  destinationArn: arn.logGroup("/shop/api-access"),
  format: '{"requestId":"$context.requestId"}',
};
const throttling = { throttlingBurstLimit: 40, throttlingRateLimit: 20 };
const subscription = (name: string, protocol: string, endpoint: string) =>
  resource("aws:sns/topicSubscription:TopicSubscription", name, {
    topic: arn.topic("alerts"),
    protocol,
    endpoint,
  });

/** Audit trail, logs, HTTP API and notifications. */
export const edgeCases: ResourceCase[] = [
  {
    title: "trail with nothing set",
    resource: trail("bare", {}),
    blockedBy: [P.trailValidation, P.trailMultiRegion, P.trailKms],
  },
  {
    title: "trail without a KMS key",
    resource: trail("no-kms", { ...completeTrail, kmsKeyId: undefined }),
    blockedBy: [P.trailKms],
  },
  {
    title: "log group without retention",
    resource: resource("aws:cloudwatch/logGroup:LogGroup", "forever", {
      name: "/aws/lambda/api",
      kmsKeyId: arn.key("logs"),
    }),
    blockedBy: [P.logRetention],
  },
  {
    title: "log group with retention 0 (never expire)",
    resource: resource("aws:cloudwatch/logGroup:LogGroup", "zero", {
      retentionInDays: 0,
      kmsKeyId: arn.key("logs"),
    }),
    blockedBy: [P.logRetention],
  },
  {
    title: "stage without access logs",
    resource: stage("no-logs", { defaultRouteSettings: throttling }),
    blockedBy: [P.stageLogs],
  },
  {
    title: "stage with an access log destination but no format",
    resource: stage("no-format", {
      accessLogSettings: { destinationArn: accessLogs.destinationArn },
      defaultRouteSettings: throttling,
    }),
    blockedBy: [P.stageLogs],
  },
  {
    title: "stage with a burst limit but no rate limit",
    resource: stage("no-rate", {
      accessLogSettings: accessLogs,
      defaultRouteSettings: { throttlingBurstLimit: 40 },
    }),
    blockedBy: [P.stageThrottling],
  },
  {
    title: 'HTTP API CORS allowing "*" with credentials',
    resource: resource("aws:apigatewayv2/api:Api", "cors-any", {
      protocolType: "HTTP",
      corsConfiguration: { allowOrigins: ["https://shop.example.com", "*"], allowCredentials: true },
    }),
    blockedBy: [P.cors],
  },
  {
    title: "SNS subscription over http",
    resource: subscription("http", "http", "http://hooks.example.com/alerts"),
    blockedBy: [P.snsHttp],
  },
  {
    title: 'SNS subscription protocol "HTTP" in upper case',
    resource: subscription("http-upper", "HTTP", "http://hooks.example.com/alerts"),
    blockedBy: [P.snsHttp],
  },

  {
    title: "trail: validation, every region, KMS, CloudWatch Logs delivery",
    resource: trail("audit", completeTrail),
  },
  {
    title: "log group with retention and a customer-managed key",
    resource: resource("aws:cloudwatch/logGroup:LogGroup", "api-logs", {
      retentionInDays: 30,
      kmsKeyId: arn.key("logs"),
    }),
  },
  {
    title: "stage with JSON access logs and default throttling",
    resource: stage("default", { accessLogSettings: accessLogs, defaultRouteSettings: throttling }),
  },
  {
    title: "HTTP API CORS with exact origins and credentials",
    resource: resource("aws:apigatewayv2/api:Api", "cors-exact", {
      protocolType: "HTTP",
      corsConfiguration: { allowOrigins: ["https://shop.example.com"], allowCredentials: true },
    }),
  },
  {
    title: 'HTTP API CORS "*" without credentials',
    resource: resource("aws:apigatewayv2/api:Api", "cors-public", {
      protocolType: "HTTP",
      corsConfiguration: { allowOrigins: ["*"], allowCredentials: false },
    }),
  },
  {
    title: "SNS subscription over https",
    resource: subscription("https", "https", "https://hooks.example.com/alerts"),
  },
  {
    title: "SNS subscription by email",
    resource: subscription("email", "email", "alerts@example.com"),
  },
  {
    title: "SNS topic with a customer-managed key",
    resource: resource("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId: arn.key("alerts") }),
  },
];
