/**
 * AuditTrail: a multi-region CloudTrail trail with log file validation, encrypted with its own KMS key,
 * delivering to a SecureBucket and to a CloudWatch log group (through a role that may write only to that
 * group). Metric filters on the log group raise alarms to the alert topic on the CIS benchmark signals:
 * unauthorized API calls, use of the root account, and IAM policy changes.
 *
 * The trail's ARN is needed in the key and bucket policies before the trail can exist (CloudTrail checks
 * both when the trail is created), so the trail has a fixed name and its ARN is built from it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../encryption-key";
import { SecureBucket } from "../secure-bucket";
import { onAnyOccurrence } from "../shared/alarms";
import { awsContext } from "../shared/aws-context";
import { logStreamsArn, policyDocument, serviceTrustStatement } from "../shared/policy-documents";

export interface AuditTrailArgs {
  /** Topic the alarms notify. Required. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Trail name. Default: the component's name. */
  readonly trailName?: string;
  /** Retention of the trail's CloudWatch log group in days. Default: 365. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Days after which log files expire from the bucket. Default: 2555 (seven years). */
  readonly bucketExpirationDays?: pulumi.Input<number>;
  /** Lets `pulumi destroy` delete the bucket with its log files. Default: false. */
  readonly forceDestroy?: pulumi.Input<boolean>;
  /** KMS key that encrypts the CloudWatch log group. Default: CloudWatch Logs' own encryption. */
  readonly logsKmsKeyArn?: pulumi.Input<string>;
  /** Days before the trail's KMS key is deleted once removed (7..30). Default: 30. */
  readonly kmsKeyDeletionWindowDays?: pulumi.Input<number>;
  /**
   * Buckets whose object-level (data) events the trail records besides every management event: who read or
   * wrote which object. Default: none (management events only).
   */
  readonly objectEventBucketArns?: pulumi.Input<string>[];
  /** CloudWatch namespace of the metric filters. Default: `Audit/<trail name>`. */
  readonly metricNamespace?: string;
}

/** CIS AWS Foundations benchmark filters (3.1, 3.3, 3.4) over CloudTrail events. */
export const auditMetricFilters = {
  "unauthorized-api-calls": {
    description: "API calls denied for lack of authorization",
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  "root-account-usage": {
    description: "The root account was used",
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  "iam-policy-changes": {
    description: "An IAM policy was created, changed, attached or detached",
    pattern:
      "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || " +
      "($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || " +
      "($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || " +
      "($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || " +
      "($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || " +
      "($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
  },
} as const;

export class AuditTrail extends pulumi.ComponentResource {
  public readonly trailArn: pulumi.Output<string>;
  public readonly trailName: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly alarmArns: pulumi.Output<string[]>;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:cloudtrail:AuditTrail", name, {}, opts);

    const trailName = args.trailName ?? name;
    const logRetentionDays = args.logRetentionDays ?? 365;
    const bucketExpirationDays = args.bucketExpirationDays ?? 2555;
    const forceDestroy = args.forceDestroy ?? false;
    const metricNamespace = args.metricNamespace ?? `Audit/${trailName}`;

    const { accountId, region, partition } = awsContext(this);
    const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const fromThisTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };

    const key = new EncryptionKey(
      `${name}-key`,
      {
        description: `Encrypts the log files of the CloudTrail trail ${trailName}`,
        deletionWindowInDays: args.kmsKeyDeletionWindowDays,
        serviceGrants: [
          {
            sid: "CloudTrailEncryptLogFiles",
            service: "cloudtrail.amazonaws.com",
            actions: ["kms:GenerateDataKey"],
            conditions: [
              fromThisTrail,
              {
                test: "StringLike",
                variable: "kms:EncryptionContext:aws:cloudtrail:arn",
                values: [pulumi.interpolate`arn:${partition}:cloudtrail:*:${accountId}:trail/*`],
              },
            ],
          },
          {
            sid: "CloudTrailDescribeKey",
            service: "cloudtrail.amazonaws.com",
            actions: ["kms:DescribeKey"],
            conditions: [fromThisTrail],
          },
        ],
      },
      { parent: this },
    );

    const bucket = new SecureBucket(
      `${name}-logs`,
      {
        // The trail encrypts its log files with this key already; the bucket's default says so for
        // everything else written there (digests, anything put by hand).
        kmsKeyArn: key.keyArn,
        forceDestroy,
        expirationDays: bucketExpirationDays,
        noncurrentVersionExpirationDays: bucketExpirationDays,
        policyStatements: (bucketArn) => [
          {
            sid: "CloudTrailAclCheck",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
            actions: ["s3:GetBucketAcl"],
            resources: [bucketArn],
            conditions: [fromThisTrail],
          },
          {
            sid: "CloudTrailWriteLogFiles",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
            actions: ["s3:PutObject"],
            resources: [pulumi.interpolate`${bucketArn}/AWSLogs/${accountId}/*`],
            conditions: [
              fromThisTrail,
              { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
            ],
          },
        ],
      },
      { parent: this },
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-log-group`,
      {
        name: `/aws/cloudtrail/${trailName}`,
        retentionInDays: logRetentionDays,
        kmsKeyId: args.logsKmsKeyArn,
      },
      { parent: this },
    );

    const deliveryRole = new aws.iam.Role(
      `${name}-delivery-role`,
      {
        // A fixed name, so a deploy role's iam:PassRole can name exactly this role.
        name: `${trailName}-delivery`,
        description: `Lets CloudTrail trail ${trailName} deliver events to its log group`,
        assumeRolePolicy: policyDocument(this, [
          serviceTrustStatement("cloudtrail.amazonaws.com", [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
          ]),
        ]),
      },
      { parent: this },
    );
    const deliveryPolicy = new aws.iam.RolePolicy(
      `${name}-delivery-policy`,
      {
        role: deliveryRole.id,
        policy: policyDocument(this, [
          {
            sid: "WriteTrailLogGroup",
            effect: "Allow",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [logStreamsArn(logGroup.arn)],
          },
        ]),
      },
      { parent: this },
    );

    const trail = new aws.cloudtrail.Trail(
      name,
      {
        name: trailName,
        s3BucketName: bucket.bucketName,
        kmsKeyId: key.keyArn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        cloudWatchLogsGroupArn: logStreamsArn(logGroup.arn),
        cloudWatchLogsRoleArn: deliveryRole.arn,
        // Advanced selectors replace the default, so management events are selected explicitly too.
        advancedEventSelectors: args.objectEventBucketArns?.length
          ? [
              {
                name: "Management events",
                fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }],
              },
              {
                name: "Object events of the stack's data buckets",
                fieldSelectors: [
                  { field: "eventCategory", equals: ["Data"] },
                  { field: "resources.type", equals: ["AWS::S3::Object"] },
                  {
                    field: "resources.ARN",
                    startsWiths: args.objectEventBucketArns.map((arn) => pulumi.interpolate`${arn}/`),
                  },
                ],
              },
            ]
          : undefined,
      },
      // CloudTrail validates the bucket policy, the key policy and the role when the trail is created.
      { parent: this, dependsOn: [bucket, key, deliveryPolicy] },
    );

    const alarms = Object.entries(auditMetricFilters).map(([check, filter]) => {
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${check}`,
        {
          name: `${trailName}-${check}`,
          logGroupName: logGroup.name,
          pattern: filter.pattern,
          metricTransformation: { name: check, namespace: metricNamespace, value: "1" },
        },
        { parent: this },
      );
      return new aws.cloudwatch.MetricAlarm(
        `${name}-${check}-alarm`,
        {
          name: `${trailName}-${check}`,
          alarmDescription: filter.description,
          namespace: metricNamespace,
          metricName: check,
          statistic: "Sum",
          ...onAnyOccurrence,
          alarmActions: [args.alertTopicArn],
        },
        { parent: this },
      );
    });

    this.trailArn = trail.arn;
    this.trailName = trail.name;
    this.bucketName = bucket.bucketName;
    this.logGroupName = logGroup.name;
    this.kmsKeyArn = key.keyArn;
    this.alarmArns = pulumi.all(alarms.map((a) => a.arn));
    this.registerOutputs({
      trailArn: this.trailArn,
      trailName: this.trailName,
      bucketName: this.bucketName,
      logGroupName: this.logGroupName,
      kmsKeyArn: this.kmsKeyArn,
      alarmArns: this.alarmArns,
    });
  }
}
