import { urnOf, unknownString, type TestResource } from "../harness";
import { arn, json, P, resource, type StackCase } from "./case";

const types = {
  bucket: "aws:s3/bucket:Bucket",
  block: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  logging: "aws:s3/bucketLogging:BucketLogging",
  trail: "aws:cloudtrail/trail:Trail",
  repository: "aws:ecr/repository:Repository",
  lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  function: "aws:lambda/function:Function",
  enabler: "aws:inspector2/enabler:Enabler",
};

const allFlags = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};

/** A bucket as the engine sends it in AnalyzeStack after an update: its id and name are known. */
const bucket = (name: string) =>
  resource(types.bucket, name, {
    id: `${name}-1a2b3c`,
    bucket: `${name}-1a2b3c`,
    arn: arn.bucket(`${name}-1a2b3c`),
  });

/** A bucket's companions during a preview: the bucket's id is unknown, only the property dependency links them. */
function previewCompanions(name: string): TestResource[] {
  const dependsOnBucket = { bucket: [urnOf(types.bucket, name)] };
  return [
    {
      ...resource(types.block, `${name}-block`, { bucket: unknownString, ...allFlags }),
      propertyDependencies: dependsOnBucket,
    },
    {
      ...resource(types.policy, `${name}-policy`, {
        bucket: unknownString,
        policy: json({
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: "*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      }),
      propertyDependencies: dependsOnBucket,
    },
    {
      ...resource(types.encryption, `${name}-encryption`, {
        bucket: unknownString,
        rules: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: unknownString } },
        ],
      }),
      propertyDependencies: dependsOnBucket,
    },
    {
      ...resource(types.logging, `${name}-logging`, {
        bucket: unknownString,
        targetBucket: "shop-access-logs",
        targetPrefix: `${name}/`,
      }),
      propertyDependencies: dependsOnBucket,
    },
    {
      ...resource(types.versioning, `${name}-versioning`, {
        bucket: unknownString,
        versioningConfiguration: { status: "Enabled" },
      }),
      propertyDependencies: dependsOnBucket,
    },
  ];
}

const repository = resource(types.repository, "app", {
  id: "shop-app",
  name: "shop-app",
  arn: arn.repository("shop-app"),
});
const lifecycle = resource(types.lifecycle, "app-lifecycle", {
  repository: "shop-app",
  policy: json({ rules: [] }),
});
const fn = resource(types.function, "api", {
  id: "shop-api",
  name: "shop-api",
  arn: arn.function("shop-api"),
});
const enabler = (resourceTypes: string[]) =>
  resource(types.enabler, "scanning", { accountIds: ["123456789012"], resourceTypes });

/** Stack policies: what must exist next to a resource. */
export const stackCases: StackCase[] = [
  {
    title: "bucket without a public access block",
    resources: [bucket("reports"), ...previewCompanions("reports").slice(1)],
    blockedBy: [P.s3Block],
  },
  {
    title: "public access block of another bucket (linked by name)",
    resources: [
      bucket("reports"),
      bucket("audit"),
      resource(types.block, "audit-block", { bucket: "audit-1a2b3c", ...allFlags }),
      ...previewCompanions("reports").slice(1),
      ...previewCompanions("audit").slice(1),
    ],
    blockedBy: [P.s3Block],
  },
  {
    title: "repository without a lifecycle policy",
    resources: [repository, enabler(["ECR"])],
    blockedBy: [P.ecrLifecycle],
  },
  {
    title: "Lambda function without Inspector",
    resources: [fn],
    blockedBy: [P.inspector],
  },
  {
    title: "Inspector scans ECR only while the stack has a function",
    resources: [repository, lifecycle, fn, enabler(["ECR"])],
    blockedBy: [P.inspector],
  },

  {
    title:
      "bucket with access block, TLS-only policy and versioning linked only by property dependencies (preview)",
    resources: [bucket("reports"), ...previewCompanions("reports")],
  },
  {
    title: "bucket covered by companions linked by name (known values)",
    resources: [
      bucket("audit"),
      resource(types.block, "audit-block", { bucket: "audit-1a2b3c", ...allFlags }),
      resource(types.policy, "audit-policy", {
        bucket: "audit-1a2b3c",
        policy: {
          Statement: {
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["s3:*"],
            Resource: [arn.bucket("audit-1a2b3c"), `${arn.bucket("audit-1a2b3c")}/*`],
            Condition: { Bool: { "aws:SecureTransport": false } },
          },
        },
      }),
      resource(types.versioning, "audit-versioning", {
        bucket: "audit-1a2b3c",
        versioningConfiguration: { status: "Enabled" },
      }),
      resource(types.encryption, "audit-encryption", {
        bucket: "audit-1a2b3c",
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: arn.key("audit") },
            bucketKeyEnabled: true,
          },
        ],
      }),
      resource(types.trail, "audit-trail", {
        name: "shop-audit",
        s3BucketName: "audit-1a2b3c",
        kmsKeyId: arn.key("trail"),
        isMultiRegionTrail: true,
        enableLogFileValidation: true,
        cloudWatchLogsGroupArn: `${arn.logGroup("/aws/cloudtrail/shop-audit")}:*`,
        cloudWatchLogsRoleArn: arn.role("shop-audit-delivery"),
        eventSelectors: [
          {
            readWriteType: "All",
            dataResources: [{ type: "AWS::S3::Object", values: [`${arn.bucket("audit-1a2b3c")}/`] }],
          },
        ],
      }),
    ],
  },
  {
    title: "repository with a lifecycle policy and a function, Inspector for ECR and LAMBDA",
    resources: [repository, lifecycle, fn, enabler(["ECR", "LAMBDA"])],
  },
];
