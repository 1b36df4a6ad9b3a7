import { arn, json, P, resource, type ResourceCase } from "./case";

const rolePolicy = (name: string, policy: unknown) =>
  resource("aws:iam/rolePolicy:RolePolicy", name, { role: "shop-api", policy });
const allow = (Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});
const lambdaTrust = json({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Identity policies: what a role, user or group may do. */
export const identityCases: ResourceCase[] = [
  {
    title: 'Action and Resource both "*", JSON string',
    resource: rolePolicy("everything", json({ Version: "2012-10-17", Statement: [allow("*", "*")] })),
    blockedBy: [P.actions, P.resources, P.passRole],
  },
  {
    title: "service wildcard in an object document",
    resource: resource("aws:iam/policy:Policy", "s3-all", {
      policy: { Version: "2012-10-17", Statement: [allow("s3:*", `${arn.bucket("reports")}/*`)] },
    }),
    blockedBy: [P.actions],
  },
  {
    title: '"*" hidden in an action list, Statement as a single object',
    resource: rolePolicy(
      "hidden-star",
      json({ Statement: allow(["dynamodb:GetItem", "*"], arn.table("orders")) }),
    ),
    blockedBy: [P.actions, P.passRole],
  },
  {
    title: "upper-case service wildcard DYNAMODB:*",
    resource: rolePolicy("upper", json({ Statement: [allow("DYNAMODB:*", arn.table("orders"))] })),
    blockedBy: [P.actions],
  },
  {
    title: "lower-case element names and Effect",
    resource: rolePolicy(
      "lower-keys",
      json({
        version: "2012-10-17",
        statement: [{ effect: "allow", action: "sqs:*", resource: arn.queue("jobs") }],
      }),
    ),
    blockedBy: [P.actions],
  },
  {
    title: "mixed-case wildcard alone in a list, object document",
    resource: rolePolicy("mixed-case", { Statement: [allow(["S3:*"], [`${arn.bucket("reports")}/*`])] }),
    blockedBy: [P.actions],
  },
  {
    title: "wildcard service and action *:*",
    resource: rolePolicy("star-colon-star", json({ Statement: [allow("*:*", arn.table("orders"))] })),
    blockedBy: [P.actions, P.passRole],
  },
  {
    title: "iam:* on one named role (PassRole covered, but only that role)",
    resource: rolePolicy("iam-all", json({ Statement: [allow("iam:*", arn.role("shop-api"))] })),
    blockedBy: [P.actions],
  },
  {
    title: "question-mark service wildcard s3:?*",
    resource: rolePolicy(
      "question-mark",
      json({ Statement: [allow("s3:?*", `${arn.bucket("reports")}/*`)] }),
    ),
    blockedBy: [P.actions],
  },
  {
    title: 'exact action on Resource "*"',
    resource: rolePolicy("any-table", json({ Statement: [allow("dynamodb:GetItem", "*")] })),
    blockedBy: [P.resources],
  },
  {
    title: "every table of the account (table/*)",
    resource: rolePolicy("every-table", json({ Statement: [allow("dynamodb:GetItem", arn.table("*"))] })),
    blockedBy: [P.resources],
  },
  {
    title: "every function (function:*)",
    resource: rolePolicy(
      "every-function",
      json({ Statement: [allow("lambda:InvokeFunction", arn.function("*"))] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: "every log group (log-group:*)",
    resource: rolePolicy(
      "every-log-group",
      json({ Statement: [allow("logs:PutLogEvents", arn.logGroup("*"))] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: 'one "*" among scoped ARNs in a Resource list',
    resource: rolePolicy(
      "star-in-list",
      json({ Statement: [allow("dynamodb:GetItem", [arn.table("orders"), "*", arn.table("users")])] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: "every bucket (arn:aws:s3:::*)",
    resource: rolePolicy("every-bucket", json({ Statement: [allow("s3:ListBucket", arn.bucket("*"))] })),
    blockedBy: [P.resources],
  },
  {
    title: "objects of every bucket (arn:aws:s3:::*/*)",
    resource: rolePolicy("every-object", json({ Statement: [allow("s3:GetObject", arn.bucket("*/*"))] })),
    blockedBy: [P.resources],
  },
  {
    title: 'X-Ray action that only accepts "*" mixed with a table action on "*"',
    resource: rolePolicy(
      "mixed-star-only",
      json({ Statement: [allow(["xray:PutTraceSegments", "dynamodb:PutItem"], "*")] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: "indexes of every table (table/*/index/*)",
    resource: rolePolicy(
      "every-index",
      json({ Statement: [allow("dynamodb:Query", `${arn.table("*")}/index/*`)] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: "ARN with a wildcard service (arn:aws:*:*:*:*)",
    resource: rolePolicy(
      "wildcard-service-arn",
      json({ Statement: [allow("sns:Publish", "arn:aws:*:*:*:*")] }),
    ),
    blockedBy: [P.resources],
  },
  {
    title: "Allow with NotAction",
    resource: rolePolicy(
      "not-action",
      json({ Statement: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }] }),
    ),
    blockedBy: [P.notElements],
  },
  {
    title: "Allow with NotResource",
    resource: rolePolicy(
      "not-resource",
      json({
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", NotResource: `${arn.bucket("secrets")}/*` }],
      }),
    ),
    blockedBy: [P.notElements],
  },
  {
    title: 'iam:PassRole on "*"',
    resource: rolePolicy("pass-any", json({ Statement: [allow("iam:PassRole", "*")] })),
    blockedBy: [P.passRole, P.resources],
  },
  {
    title: "iam:Pass* on every role (role/*)",
    resource: rolePolicy("pass-prefix", json({ Statement: [allow("iam:Pass*", arn.role("*"))] })),
    blockedBy: [P.passRole, P.resources],
  },
  {
    title: "iam:PassRole on a role-name prefix (role/shop-*)",
    resource: rolePolicy("pass-shop", json({ Statement: [allow("iam:PassRole", arn.role("shop-*"))] })),
    blockedBy: [P.passRole],
  },
  {
    title: "UserPolicy with a service wildcard",
    resource: resource("aws:iam/userPolicy:UserPolicy", "user-wildcard", {
      user: "deployer",
      policy: json({
        Statement: [allow("cloudformation:*", "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/*")],
      }),
    }),
    blockedBy: [P.actions, P.userPolicies],
  },
  {
    title: 'GroupPolicy with "*" on one queue',
    resource: resource("aws:iam/groupPolicy:GroupPolicy", "group-star", {
      group: "operators",
      policy: { Statement: [allow("*", arn.queue("jobs"))] },
    }),
    blockedBy: [P.actions, P.passRole],
  },
  {
    title: "second inline policy of a Role grants ec2:* on *",
    resource: resource("aws:iam/role:Role", "inline-admin", {
      assumeRolePolicy: lambdaTrust,
      inlinePolicies: [
        {
          name: "logs",
          policy: json({ Statement: [allow("logs:PutLogEvents", `${arn.logGroup("/aws/lambda/x")}:*`)] }),
        },
        { name: "admin", policy: json({ Statement: [allow("ec2:*", "*")] }) },
      ],
    }),
    blockedBy: [P.actions, P.resources],
  },
  {
    title: "kms:* in an identity policy (the account-root exception is for key policies only)",
    resource: rolePolicy("kms-all", json({ Statement: [allow("kms:*", arn.key("1234abcd"))] })),
    blockedBy: [P.actions],
  },
  {
    title: "wildcard in the second of two statements, lower-case Effect",
    resource: rolePolicy(
      "second-statement",
      json({
        Statement: [
          allow("sqs:SendMessage", arn.queue("jobs")),
          { Effect: "allow", Action: "sns:*", Resource: arn.topic("alerts") },
        ],
      }),
    ),
    blockedBy: [P.actions],
  },

  {
    title: "exact actions on exact table and index ARNs",
    resource: rolePolicy(
      "api-tables",
      json({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Orders", ...allow(["dynamodb:GetItem", "dynamodb:PutItem"], arn.table("shop-orders")) },
          { Sid: "ByWeek", ...allow("dynamodb:Query", `${arn.table("shop-orders")}/index/byWeek`) },
        ],
      }),
    ),
  },
  {
    title: 'actions that only accept "*" on "*"',
    resource: rolePolicy(
      "star-only",
      json({
        Statement: [
          allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
          allow("ecr:GetAuthorizationToken", "*"),
          allow(["ec2:DescribeInstances", "EC2:DescribeSecurityGroups", "sts:GetCallerIdentity"], ["*"]),
          allow(["logs:DescribeLogGroups", "cloudtrail:DescribeTrails", "s3:ListAllMyBuckets"], "*"),
        ],
      }),
    ),
  },
  {
    title: "a log group's streams (:*) are scoped",
    resource: rolePolicy(
      "log-streams",
      json({
        Statement: [
          allow(["logs:CreateLogStream", "logs:PutLogEvents"], `${arn.logGroup("/aws/lambda/shop-api")}:*`),
        ],
      }),
    ),
  },
  {
    title: "objects under one bucket's prefix (bucket/reports/*) are scoped",
    resource: rolePolicy("report-objects", {
      Statement: [allow("s3:PutObject", `${arn.bucket("shop-reports")}/reports/*`)],
    }),
  },
  {
    title: 'Deny of "*" on "*" never violates, beside a scoped Allow',
    resource: rolePolicy(
      "deny-all-insecure",
      json({
        Statement: [
          {
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          { Effect: "Deny", NotAction: "sqs:SendMessage", NotResource: arn.queue("jobs") },
          allow("sqs:SendMessage", arn.queue("jobs")),
        ],
      }),
    ),
  },
  {
    title: "iam:PassRole on a list of named roles, with a PassedToService condition",
    resource: rolePolicy(
      "pass-named",
      json({
        Statement: [
          allow("iam:PassRole", [arn.role("shop-build"), arn.role("shop-deploy")], {
            Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } },
          }),
        ],
      }),
    ),
  },
  {
    title: "Role with a service trust and a scoped inline policy",
    resource: resource("aws:iam/role:Role", "api-role", {
      assumeRolePolicy: lambdaTrust,
      inlinePolicies: [
        {
          name: "secret",
          policy: json({ Statement: [allow("secretsmanager:GetSecretValue", arn.secret("jwt"))] }),
        },
      ],
    }),
  },
  {
    title: "lower-case element names with exact actions",
    resource: resource("aws:iam/policy:Policy", "lower-safe", {
      policy: json({
        version: "2012-10-17",
        statement: [{ effect: "allow", action: ["sns:Publish"], resource: arn.topic("alerts") }],
      }),
    }),
  },
  {
    title: "Statement as one object, Action a single string, object document",
    resource: rolePolicy("single-statement", {
      Version: "2012-10-17",
      Statement: allow("dynamodb:GetItem", arn.table("users")),
    }),
  },
];
