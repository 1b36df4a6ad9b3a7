/**
 * SecureBucket: an S3 bucket that cannot be made public and refuses plain HTTP: all four public access
 * block flags, bucket-owner-enforced object ownership (ACLs disabled), default encryption, versioning,
 * a lifecycle configuration, and a bucket policy that denies non-TLS requests plus the statements the
 * caller adds (for example a service principal bound to one source ARN).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  denyInsecureTransportStatement,
  policyDocument,
  type PolicyStatement,
} from "../shared/policy-documents";

export interface SecureBucketArgs {
  /** Lets `pulumi destroy` delete the bucket with its objects. Default: false. */
  readonly forceDestroy?: pulumi.Input<boolean>;
  /** Days after which objects under `expirationPrefix` expire. Default: never. */
  readonly expirationDays?: pulumi.Input<number>;
  /** Key prefix the expiration applies to. Default: "" (every object). */
  readonly expirationPrefix?: pulumi.Input<string>;
  /** Days a noncurrent object version is kept. Default: 30. */
  readonly noncurrentVersionExpirationDays?: pulumi.Input<number>;
  /** KMS key for default encryption. Default: SSE-S3 (AES256). */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * Extra bucket policy statements, built from the bucket's ARN (known only once the bucket exists). An
   * Allow must name a service principal bound by a condition such as `aws:SourceArn`. Default: none.
   */
  readonly policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<PolicyStatement>[];
}

export class SecureBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:s3:SecureBucket", name, {}, opts);

    const forceDestroy = args.forceDestroy ?? false;
    const expirationPrefix = args.expirationPrefix ?? "";
    const noncurrentVersionExpirationDays = args.noncurrentVersionExpirationDays ?? 30;

    const bucket = new aws.s3.Bucket(name, { forceDestroy }, { parent: this });

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );

    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: args.kmsKeyArn
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
            bucketKeyEnabled: args.kmsKeyArn ? true : undefined,
          },
        ],
      },
      { parent: this },
    );

    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );

    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "clean-up-versions-and-uploads",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionExpirationDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            expiration: { expiredObjectDeleteMarker: true },
          },
          ...(args.expirationDays === undefined
            ? []
            : [
                {
                  id: "expire-objects",
                  status: "Enabled",
                  filter: { prefix: expirationPrefix },
                  expiration: { days: args.expirationDays },
                },
              ]),
        ],
      },
      // Lifecycle rules on noncurrent versions need versioning to be on first.
      { parent: this, dependsOn: [versioning] },
    );

    const extraStatements = args.policyStatements?.(bucket.arn) ?? [];
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: policyDocument(this, [
          denyInsecureTransportStatement(["s3:*"], [bucket.arn, pulumi.interpolate`${bucket.arn}/*`]),
          ...extraStatements,
        ]),
      },
      // With BlockPublicPolicy on first, a policy that would make the bucket public is rejected.
      { parent: this, dependsOn: [publicAccessBlock] },
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
