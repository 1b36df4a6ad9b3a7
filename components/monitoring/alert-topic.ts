/**
 * AlertTopic: the SNS topic every alarm and security finding goes to, encrypted with its own KMS key, with
 * an optional email subscription. The topic policy admits exactly two publishers besides IAM principals
 * of this account: CloudWatch alarms of this account, and the named EventBridge rules. Plain HTTP is
 * refused.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../encryption-key";
import { awsContext } from "../shared/aws-context";
import {
  denyInsecureTransportStatement,
  policyDocument,
  type PolicyStatement,
} from "../shared/policy-documents";

export interface AlertTopicArgs {
  /** Email address to subscribe (the owner must confirm it). Default: none. */
  readonly email?: pulumi.Input<string>;
  /** EventBridge rules (on the default bus of this account and region) allowed to publish. Default: none. */
  readonly eventRuleNames?: readonly string[];
  /** Days before the topic's KMS key is deleted once removed (7..30). Default: 30. */
  readonly kmsKeyDeletionWindowDays?: pulumi.Input<number>;
}

export class AlertTopic extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly topicName: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:monitoring:AlertTopic", name, {}, opts);

    const eventRuleNames = args.eventRuleNames ?? [];

    const { accountId, region, partition } = awsContext(this);

    // Publishing to an encrypted topic needs the publisher's own access to the key. The topic policy,
    // not the key policy, decides which alarms and rules may publish at all.
    const publisherKeyActions = ["kms:Decrypt", "kms:GenerateDataKey"];
    const key = new EncryptionKey(
      `${name}-key`,
      {
        description: `Encrypts the alert topic ${name}`,
        deletionWindowInDays: args.kmsKeyDeletionWindowDays,
        serviceGrants: [
          {
            sid: "CloudWatchAlarmsPublish",
            service: "cloudwatch.amazonaws.com",
            actions: publisherKeyActions,
          },
          ...(eventRuleNames.length > 0
            ? [
                {
                  sid: "EventBridgeRulesPublish",
                  service: "events.amazonaws.com",
                  actions: publisherKeyActions,
                },
              ]
            : []),
        ],
      },
      { parent: this },
    );

    const topic = new aws.sns.Topic(name, { name, kmsMasterKeyId: key.keyArn }, { parent: this });

    const statements: pulumi.Input<PolicyStatement>[] = [
      {
        sid: "CloudWatchAlarmsOfThisAccount",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["sns:Publish"],
        resources: [topic.arn],
        conditions: [
          {
            test: "ArnLike",
            variable: "aws:SourceArn",
            values: [pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*`],
          },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
        ],
      },
      denyInsecureTransportStatement(["sns:Publish"], [topic.arn]),
    ];
    if (eventRuleNames.length > 0) {
      statements.splice(1, 0, {
        sid: "NamedEventBridgeRules",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: ["sns:Publish"],
        resources: [topic.arn],
        conditions: [
          {
            test: "ArnEquals",
            variable: "aws:SourceArn",
            values: eventRuleNames.map(
              (rule) => pulumi.interpolate`arn:${partition}:events:${region}:${accountId}:rule/${rule}`,
            ),
          },
        ],
      });
    }
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      { arn: topic.arn, policy: policyDocument(this, statements) },
      { parent: this },
    );

    if (args.email !== undefined) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.email },
        { parent: this },
      );
    }

    this.topicArn = topic.arn;
    this.topicName = topic.name;
    this.kmsKeyArn = key.keyArn;
    this.registerOutputs({ topicArn: this.topicArn, topicName: this.topicName, kmsKeyArn: this.kmsKeyArn });
  }
}
