import { account, arn, json, region, resource, type ResourceCase } from "./case";

/**
 * The key policies AWS documents for services that encrypt with a customer-managed key (CloudWatch Logs,
 * CloudTrail, SNS with CloudWatch alarms and EventBridge, EventBridge buses), written as the documentation
 * shows them: wildcards such as `kms:GenerateDataKey*`, `"*"` principals pinned by `kms:CallerAccount`.
 * They must pass every policy of the pack, advisory ones included, so no stack's config can block them.
 */

const root = {
  Sid: "Enable IAM User Permissions",
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${account}:root` },
  Action: "kms:*",
  Resource: "*",
};
const key = (name: string, statements: unknown[]) =>
  resource("aws:kms/key:Key", name, {
    enableKeyRotation: true,
    policy: json({ Version: "2012-10-17", Id: `${name}-policy`, Statement: [root, ...statements] }),
  });
const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/shop-audit`;
const busArn = `arn:aws:events:${region}:${account}:event-bus/shop-orders`;

export const awsTemplateCases: ResourceCase[] = [
  {
    title: "AWS template: key policy for CloudWatch Logs log groups",
    resource: key("cloudwatch-logs-template", [
      {
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:*` },
        },
      },
    ]),
  },
  {
    title: "AWS template: key policy for a CloudTrail trail",
    resource: key("cloudtrail-template", [
      {
        Sid: "Allow CloudTrail to encrypt logs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*`,
          },
        },
      },
      {
        Sid: "Allow CloudTrail to describe key",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        Sid: "Allow principals in the account to decrypt log files",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*`,
          },
        },
      },
      {
        Sid: "Allow alias creation during setup",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:CreateAlias",
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com`, "kms:CallerAccount": account },
        },
      },
    ]),
  },
  {
    title: "AWS template: key policy of an encrypted SNS topic for CloudWatch alarms and EventBridge",
    resource: key("sns-template", [
      {
        Sid: "Allow AWS services to publish to the encrypted topic",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ]),
  },
  {
    title: "AWS template: SNS topic policy of the topic's owner, with EventBridge publishing",
    resource: resource("aws:sns/topicPolicy:TopicPolicy", "sns-default-template", {
      arn: arn.topic("alerts"),
      policy: json({
        Version: "2008-10-17",
        Id: "__default_policy_ID",
        Statement: [
          {
            Sid: "__default_statement_ID",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: [
              "SNS:GetTopicAttributes",
              "SNS:SetTopicAttributes",
              "SNS:AddPermission",
              "SNS:RemovePermission",
              "SNS:DeleteTopic",
              "SNS:Subscribe",
              "SNS:ListSubscriptionsByTopic",
              "SNS:Publish",
            ],
            Resource: arn.topic("alerts"),
            Condition: { StringEquals: { "AWS:SourceOwner": account } },
          },
          {
            Sid: "AWSEvents_orders",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: arn.topic("alerts"),
          },
        ],
      }),
    }),
  },
  {
    title: "AWS template: key policy for an EventBridge event bus",
    resource: key("eventbridge-template", [
      {
        Sid: "Allow EventBridge to validate the key",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "Allow EventBridge to encrypt events",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:EncryptionContext:aws:events:event-bus:arn": busArn, "aws:SourceArn": busArn },
        },
      },
    ]),
  },
];
