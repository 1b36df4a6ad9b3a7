import { account, arn, json, P, resource, type ResourceCase } from "./case";

/**
 * Public principals whose conditions only look restrictive: each unsafe case is blocked by
 * iam-resource-policy-not-public alone, each safe one pins the caller to this account, organisation or an
 * exact source.
 */

const publicAllow = (Principal: unknown, Action: unknown, Resource: unknown, Condition: unknown) => ({
  Effect: "Allow",
  Principal,
  Action,
  Resource,
  Condition,
});
const topic = arn.topic("alerts");
const queue = arn.queue("jobs");
const topicPolicy = (name: string, policy: unknown) =>
  resource("aws:sns/topicPolicy:TopicPolicy", name, { arn: topic, policy });
const queuePolicy = (name: string, policy: unknown) =>
  resource("aws:sqs/queuePolicy:QueuePolicy", name, { queueUrl: "https://sqs/jobs", policy });
const bucketPolicy = (name: string, policy: unknown) =>
  resource("aws:s3/bucketPolicy:BucketPolicy", name, { bucket: "shop-reports", policy });
const objects = `${arn.bucket("shop-reports")}/*`;

const weak: { title: string; resource: ReturnType<typeof resource> }[] = [
  {
    title: "aws:PrincipalArn pattern with a wildcard account id",
    resource: bucketPolicy(
      "principal-any-account",
      json({
        Statement: [
          publicAllow({ AWS: "*" }, "s3:GetObject", objects, {
            ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/shop-reader" },
          }),
        ],
      }),
    ),
  },
  {
    title: "aws:SourceArn pattern with a wildcard account id",
    resource: queuePolicy(
      "source-any-account",
      json({
        Statement: [
          publicAllow("*", "sqs:SendMessage", queue, {
            ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:*:alerts` },
          }),
        ],
      }),
    ),
  },
  {
    title: "aws:SourceArn that only names the service and leaves account and resource open",
    resource: queuePolicy("source-service-only", {
      Statement: publicAllow("*", ["sqs:SendMessage"], queue, {
        ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" },
      }),
    }),
  },
  {
    title: "aws:SourceArn of a bucket (no account in it) without aws:SourceAccount",
    resource: topicPolicy(
      "bucket-source-only",
      json({
        Statement: [
          publicAllow({ Service: "s3.amazonaws.com", AWS: "*" }, "sns:Publish", topic, {
            ArnEquals: { "aws:SourceArn": arn.bucket("shop-uploads") },
          }),
        ],
      }),
    ),
  },
  {
    title: "StringLike with a wildcard in aws:SourceAccount",
    resource: topicPolicy(
      "account-prefix",
      json({
        Statement: [publicAllow("*", "sns:Publish", topic, { StringLike: { "aws:SourceAccount": "1234*" } })],
      }),
    ),
  },
  {
    title: "StringLike o-* on aws:PrincipalOrgID (any organisation)",
    resource: bucketPolicy(
      "any-org",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, { StringLike: { "aws:PrincipalOrgID": "o-*" } }),
        ],
      }),
    ),
  },
  {
    title: "ForAnyValue on the multi-valued aws:PrincipalOrgPaths",
    resource: bucketPolicy(
      "org-paths-any",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, {
            "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"] },
          }),
        ],
      }),
    ),
  },
  {
    title: "StringEqualsIfExists on aws:SourceAccount (holds when the key is absent)",
    resource: topicPolicy(
      "if-exists",
      json({
        Statement: [
          publicAllow("*", "sns:Publish", topic, { StringEqualsIfExists: { "aws:SourceAccount": account } }),
        ],
      }),
    ),
  },
  {
    title: "ArnEqualsIfExists on aws:SourceArn, operator in lower case",
    resource: queuePolicy(
      "arn-if-exists",
      json({
        Statement: [
          publicAllow({ AWS: ["*"] }, "sqs:SendMessage", queue, {
            arnequalsifexists: { "AWS:SourceArn": arn.rule("weekly") },
          }),
        ],
      }),
    ),
  },
  {
    title: "negated ArnNotEquals on aws:SourceArn",
    resource: queuePolicy(
      "arn-not-equals",
      json({
        Statement: [
          publicAllow("*", "sqs:SendMessage", queue, {
            ArnNotEquals: { "aws:SourceArn": arn.rule("other") },
          }),
        ],
      }),
    ),
  },
  {
    title: "negated StringNotLike on aws:PrincipalOrgID",
    resource: bucketPolicy(
      "org-not-like",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, { StringNotLike: { "aws:PrincipalOrgID": "o-other*" } }),
        ],
      }),
    ),
  },
  {
    title: "ForAllValues:StringEquals on aws:PrincipalOrgID (holds for an empty set)",
    resource: bucketPolicy(
      "for-all-values",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, {
            "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
          }),
        ],
      }),
    ),
  },
  {
    title: "Null on aws:SourceArn only tests that a source exists",
    resource: topicPolicy(
      "null-source",
      json({ Statement: [publicAllow("*", "sns:Publish", topic, { Null: { "aws:SourceArn": "false" } })] }),
    ),
  },
  {
    title: "the exact account listed next to a wildcard",
    resource: topicPolicy(
      "account-or-any",
      json({
        Statement: [
          publicAllow("*", "sns:Publish", topic, { StringEquals: { "aws:SourceAccount": [account, "*"] } }),
        ],
      }),
    ),
  },
  {
    title: "key policy letting everyone decrypt with a wildcard kms:CallerAccount",
    resource: resource("aws:kms/keyPolicy:KeyPolicy", "caller-any", {
      keyId: "1234abcd",
      policy: json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          publicAllow({ AWS: "*" }, "kms:Decrypt", "*", { StringLike: { "kms:CallerAccount": "*" } }),
        ],
      }),
    }),
  },
  {
    title: "several weak conditions together still restrict nothing",
    resource: bucketPolicy(
      "all-weak",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, {
            StringEqualsIfExists: { "aws:SourceAccount": account },
            ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
            Bool: { "aws:SecureTransport": "true" },
          }),
        ],
      }),
    ),
  },
];

const pinned: ResourceCase[] = [
  {
    title: "S3 event notifications: the bucket's ARN together with aws:SourceAccount",
    resource: topicPolicy(
      "s3-notifications",
      json({
        Statement: [
          publicAllow("*", "sns:Publish", topic, {
            ArnLike: { "aws:SourceArn": arn.bucket("shop-uploads") },
            StringEquals: { "aws:SourceAccount": account },
          }),
        ],
      }),
    ),
  },
  {
    title: "aws:PrincipalArn with this account's id and a wildcard role name",
    resource: bucketPolicy(
      "principal-this-account",
      json({
        Statement: [
          publicAllow({ AWS: "*" }, "s3:GetObject", objects, {
            ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${account}:role/shop-*` },
          }),
        ],
      }),
    ),
  },
  {
    title: "StringEquals on aws:PrincipalOrgID",
    resource: bucketPolicy(
      "one-org",
      json({
        Statement: [
          publicAllow("*", "s3:GetObject", objects, {
            StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
          }),
        ],
      }),
    ),
  },
  {
    title: "ArnLike on aws:SourceArn with a literal account and a wildcard path",
    resource: queuePolicy(
      "api-routes",
      json({
        Statement: [
          publicAllow("*", "sqs:SendMessage", queue, {
            ArnLike: { "aws:SourceArn": `arn:aws:execute-api:us-east-1:${account}:a1b2c3/*` },
          }),
        ],
      }),
    ),
  },
  {
    title: "a weak condition next to one that pins the account",
    resource: topicPolicy(
      "weak-and-pinned",
      json({
        Statement: [
          publicAllow("*", "sns:Publish", topic, {
            StringNotEquals: { "aws:SourceArn": arn.rule("other") },
            StringEquals: { "AWS:SourceOwner": account },
          }),
        ],
      }),
    ),
  },
];

export const weakConditionCases: ResourceCase[] = [
  ...weak.map((c) => ({ ...c, title: `public principal, ${c.title}`, blockedBy: [P.resourcePublic] })),
  ...pinned,
];
