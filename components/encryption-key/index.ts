/**
 * EncryptionKey: a customer-managed KMS key with yearly automatic rotation, an alias, and a key policy that
 * grants AWS services only the key operations they need. Account administrators keep control through
 * the account-root statement that AWS itself puts in every key policy (IAM policies decide who else may
 * use the key); each service grant names its principal, its actions and the conditions that bind it to
 * this account's resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/aws-context";
import { policyDocument, type PolicyCondition, type PolicyStatement } from "../shared/policy-documents";

/** One AWS service allowed to use the key. */
export interface KeyServiceGrant {
  /** Statement id, e.g. "CloudTrailEncryptLogs". */
  readonly sid: string;
  /** Service principal, e.g. "cloudtrail.amazonaws.com". */
  readonly service: pulumi.Input<string>;
  /** Exact KMS actions, e.g. ["kms:GenerateDataKey"]. */
  readonly actions: readonly string[];
  /** Conditions that bind the grant to this account's resources. Default: none. */
  readonly conditions?: pulumi.Input<PolicyCondition>[];
}

export interface EncryptionKeyArgs {
  /** What the key protects (shown in the KMS console). Required. */
  readonly description: pulumi.Input<string>;
  /** Days KMS waits before deleting the key once it leaves the stack (7..30). Default: 30. */
  readonly deletionWindowInDays?: pulumi.Input<number>;
  /** Services allowed to use the key, each with exact actions. Default: none. */
  readonly serviceGrants?: readonly KeyServiceGrant[];
  /**
   * Lets CloudWatch Logs in this account and region encrypt log groups of this account and region with
   * the key (bound by the `aws:logs:arn` encryption context). Default: false.
   */
  readonly allowCloudWatchLogs?: boolean;
}

export class EncryptionKey extends pulumi.ComponentResource {
  public readonly keyArn: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  public readonly aliasName: pulumi.Output<string>;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:kms:EncryptionKey", name, {}, opts);

    const deletionWindowInDays = args.deletionWindowInDays ?? 30;
    const serviceGrants = args.serviceGrants ?? [];
    const allowCloudWatchLogs = args.allowCloudWatchLogs ?? false;

    const { accountId, region, partition } = awsContext(this);
    const statements: pulumi.Input<PolicyStatement>[] = [
      {
        // The statement AWS writes into every default key policy: it delegates access control to IAM in
        // this account and keeps the key manageable (without it a key can become unmanageable).
        sid: "AccountAdministration",
        effect: "Allow",
        principals: [
          { type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${accountId}:root`] },
        ],
        actions: ["kms:*"],
        resources: ["*"],
      },
      ...serviceGrants.map((grant): PolicyStatement => ({
        sid: grant.sid,
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [grant.service] }],
        actions: [...grant.actions],
        resources: ["*"],
        conditions: grant.conditions,
      })),
    ];
    if (allowCloudWatchLogs) {
      statements.push({
        sid: "CloudWatchLogsEncryptLogGroups",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: [pulumi.interpolate`logs.${region}.amazonaws.com`] }],
        actions: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:DescribeKey",
        ],
        resources: ["*"],
        conditions: [
          {
            test: "ArnLike",
            variable: "kms:EncryptionContext:aws:logs:arn",
            values: [pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`],
          },
        ],
      });
    }

    const key = new aws.kms.Key(
      name,
      {
        description: args.description,
        enableKeyRotation: true,
        deletionWindowInDays,
        policy: policyDocument(this, statements),
      },
      { parent: this },
    );
    const alias = new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${name}`, targetKeyId: key.keyId },
      { parent: this },
    );

    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.aliasName = alias.name;
    this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
  }
}
