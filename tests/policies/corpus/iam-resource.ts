import { account, arn, json, P, resource, type ResourceCase } from "./case";

const publicStatement = (
  Principal: unknown,
  Action: unknown,
  Resource: unknown,
  extra: Record<string, unknown> = {},
) => ({
  Effect: "Allow",
  Principal,
  Action,
  Resource,
  ...extra,
});
const bucketPolicy = (name: string, policy: unknown) =>
  resource("aws:s3/bucketPolicy:BucketPolicy", name, { bucket: "shop-reports", policy });
const topicPolicy = (name: string, policy: unknown) =>
  resource("aws:sns/topicPolicy:TopicPolicy", name, { arn: arn.topic("alerts"), policy });
const queuePolicy = (name: string, policy: unknown) =>
  resource("aws:sqs/queuePolicy:QueuePolicy", name, { queueUrl: "https://sqs/jobs", policy });
const keyPolicy = (name: string, policy: unknown) =>
  resource("aws:kms/keyPolicy:KeyPolicy", name, { keyId: "1234abcd", policy });
const objects = `${arn.bucket("shop-reports")}/*`;
const rootStatement = {
  Sid: "AccountAdministration",
  Effect: "Allow",
  Principal: { AWS: arn.root },
  Action: "kms:*",
  Resource: "*",
};

/** Resource policies (who may use a resource) and documents the pack cannot read. */
export const resourcePolicyCases: ResourceCase[] = [
  {
    title: 'bucket policy with Principal "*" and no condition',
    resource: bucketPolicy(
      "public-read",
      json({ Statement: [publicStatement("*", "s3:GetObject", objects)] }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: 'bucket policy with {"AWS": "*"}, object document',
    resource: bucketPolicy("public-aws", {
      Statement: [publicStatement({ AWS: "*" }, ["s3:GetObject"], objects)],
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: 'topic policy with {"AWS": ["*"]}',
    resource: topicPolicy(
      "public-topic",
      json({ Statement: [publicStatement({ AWS: ["*"] }, "sns:Publish", arn.topic("alerts"))] }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "queue policy restricted only by a negated condition (StringNotEquals)",
    resource: queuePolicy(
      "negated",
      json({
        Statement: [
          publicStatement("*", "sqs:SendMessage", arn.queue("jobs"), {
            Condition: { StringNotEquals: { "aws:SourceAccount": "999999999999" } },
          }),
        ],
      }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "repository policy whose only condition is aws:SecureTransport",
    resource: resource("aws:ecr/repositoryPolicy:RepositoryPolicy", "public-pull", {
      repository: "shop-app",
      policy: json({
        Statement: [
          publicStatement("*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], undefined, {
            Condition: { Bool: { "aws:SecureTransport": "true" } },
          }),
        ],
      }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: 'secret policy with Principal "*"',
    resource: resource("aws:secretsmanager/secretPolicy:SecretPolicy", "public-secret", {
      secretArn: arn.secret("jwt"),
      policy: json({ Statement: [publicStatement("*", "secretsmanager:GetSecretValue", "*")] }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: 'KeyPolicy letting "*" decrypt',
    resource: keyPolicy(
      "public-decrypt",
      json({ Statement: [rootStatement, publicStatement("*", "kms:Decrypt", "*")] }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "key policy granting kms:* to a role instead of the account root",
    resource: resource("aws:kms/key:Key", "role-admin", {
      enableKeyRotation: true,
      policy: json({ Statement: [publicStatement({ AWS: arn.role("shop-admin") }, "kms:*", "*")] }),
    }),
    blockedBy: [P.actions],
  },
  {
    title: 'KeyPolicy granting kms:* to "*"',
    resource: keyPolicy("public-admin", json({ Statement: [publicStatement("*", "kms:*", "*")] })),
    blockedBy: [P.actions, P.resourcePublic],
  },
  {
    title: 'public topic "restricted" by a wildcard-only aws:SourceArn',
    resource: topicPolicy(
      "wildcard-source",
      json({
        Statement: [
          publicStatement("*", "sns:Publish", arn.topic("alerts"), {
            Condition: { ArnLike: { "aws:SourceArn": "*" } },
          }),
        ],
      }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "public statement in the Bucket's own policy input",
    resource: resource("aws:s3/bucket:Bucket", "inline-public", {
      policy: json({
        Statement: [publicStatement({ AWS: "*" }, "s3:GetObject", `${arn.bucket("inline-public")}/*`)],
      }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "registry policy granting ecr:*",
    resource: resource("aws:ecr/registryPolicy:RegistryPolicy", "registry-all", {
      policy: json({ Statement: [publicStatement({ AWS: arn.root }, "ecr:*", "*")] }),
    }),
    blockedBy: [P.actions],
  },
  {
    title: "public queue restricted only under StringEqualsIfExists",
    resource: queuePolicy(
      "if-exists",
      json({
        Statement: [
          publicStatement("*", "sqs:SendMessage", arn.queue("jobs"), {
            Condition: { StringEqualsIfExists: { "aws:SourceAccount": account } },
          }),
        ],
      }),
    ),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "public ECR repository policy for any account's root",
    resource: resource("aws:ecrpublic/repositoryPolicy:RepositoryPolicy", "any-root", {
      repositoryName: "shop-app",
      policy: json({
        Statement: [
          publicStatement({ AWS: "arn:aws:iam::*:root" }, "ecr-public:BatchCheckLayerAvailability", "*"),
        ],
      }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "EventBridge bus policy open to everyone",
    resource: resource("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "public-bus", {
      policy: json({
        Statement: [
          publicStatement("*", "events:PutEvents", "arn:aws:events:us-east-1:123456789012:event-bus/default"),
        ],
      }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "CloudWatch Logs resource policy (policyDocument input) open to everyone",
    resource: resource("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "public-logs", {
      policyName: "public",
      policyDocument: json({
        Statement: [publicStatement("*", "logs:PutLogEvents", `${arn.logGroup("/shop")}:*`)],
      }),
    }),
    blockedBy: [P.resourcePublic],
  },
  {
    title: "document that is not JSON",
    resource: resource("aws:iam/rolePolicy:RolePolicy", "broken-json", {
      role: "r",
      policy: '{ "Statement": [ { "Effect": "Allow"',
    }),
    blockedBy: [P.parseable],
  },
  {
    title: 'Effect "Permit"',
    resource: resource("aws:iam/rolePolicy:RolePolicy", "bad-effect", {
      role: "r",
      policy: json({ Statement: [{ Effect: "Permit", Action: "s3:GetObject", Resource: objects }] }),
    }),
    blockedBy: [P.parseable],
  },
  {
    title: "document without a Statement",
    resource: resource("aws:iam/policy:Policy", "no-statement", { policy: json({ Version: "2012-10-17" }) }),
    blockedBy: [P.parseable],
  },
  {
    title: "Statement that is a string",
    resource: bucketPolicy("string-statement", json({ Statement: "Allow everything" })),
    blockedBy: [P.parseable],
  },

  {
    title: "CloudTrail bucket policy: service principal with SourceArn, TLS-only Deny for everyone",
    resource: bucketPolicy(
      "cloudtrail",
      json({
        Statement: [
          publicStatement(
            { Service: "cloudtrail.amazonaws.com" },
            "s3:PutObject",
            `${arn.bucket("shop-audit")}/AWSLogs/${account}/*`,
            {
              Condition: {
                StringEquals: {
                  "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${account}:trail/shop`,
                  "s3:x-amz-acl": "bucket-owner-full-control",
                },
              },
            },
          ),
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn.bucket("shop-audit"), `${arn.bucket("shop-audit")}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    ),
  },
  {
    title: "public principal restricted by aws:PrincipalOrgID",
    resource: resource("aws:ecr/repositoryPolicy:RepositoryPolicy", "org-pull", {
      repository: "shop-app",
      policy: json({
        Statement: [
          publicStatement({ AWS: "*" }, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], undefined, {
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
          }),
        ],
      }),
    }),
  },
  {
    title: "topic policy: CloudWatch alarms of this account",
    resource: topicPolicy(
      "alarms",
      json({
        Statement: [
          publicStatement({ Service: "cloudwatch.amazonaws.com" }, "sns:Publish", arn.topic("alerts"), {
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          }),
        ],
      }),
    ),
  },
  {
    title: "queue policy: one EventBridge rule (ArnEquals aws:SourceArn)",
    resource: queuePolicy(
      "dlq",
      json({
        Statement: [
          publicStatement({ Service: "events.amazonaws.com" }, "sqs:SendMessage", arn.queue("dlq"), {
            Condition: { ArnEquals: { "aws:SourceArn": arn.rule("shop-report-schedule") } },
          }),
        ],
      }),
    ),
  },
  {
    title: "KMS key: account-root kms:* plus a CloudTrail statement, rotation on",
    resource: resource("aws:kms/key:Key", "audit-key", {
      enableKeyRotation: true,
      policy: json({
        Statement: [
          rootStatement,
          publicStatement({ Service: "cloudtrail.amazonaws.com" }, "kms:GenerateDataKey", "*", {
            Condition: {
              StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${account}:trail/shop` },
            },
          }),
        ],
      }),
    }),
  },
  {
    title: "KeyPolicy: account-root kms:* with the principal written as the account id",
    resource: keyPolicy("root-by-id", { Statement: [{ ...rootStatement, Principal: { AWS: account } }] }),
  },
  {
    title: "secret policy: Deny for everyone but the API role (Deny never violates)",
    resource: resource("aws:secretsmanager/secretPolicy:SecretPolicy", "only-api", {
      secretArn: arn.secret("jwt"),
      policy: json({
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalArn": arn.role("shop-api") } },
          },
        ],
      }),
    }),
  },
  {
    title: "public principal restricted by kms:CallerAccount (AWS-managed key style)",
    resource: keyPolicy(
      "via-service",
      json({
        Statement: [
          rootStatement,
          publicStatement({ AWS: "*" }, ["kms:Decrypt", "kms:DescribeKey"], "*", {
            Condition: {
              StringEquals: {
                "kms:CallerAccount": account,
                "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
              },
            },
          }),
        ],
      }),
    ),
  },
];
