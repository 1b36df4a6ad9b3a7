import { arn, json, P, resource, type ResourceCase } from "./case";

const repository = (name: string, properties: Record<string, unknown>) =>
  resource("aws:ecr/repository:Repository", name, {
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: arn.key("registry") }],
    ...properties,
  });
const table = (name: string, properties: Record<string, unknown>) =>
  resource("aws:dynamodb/table:Table", name, {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    serverSideEncryption: { enabled: true, kmsKeyArn: arn.key("tables") },
    deletionProtectionEnabled: true,
    ...properties,
  });
const allUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
const owner = { id: "0123456789abcdef" };

/** Registries, tables, keys, buckets and secrets. */
export const dataCases: ResourceCase[] = [
  {
    title: "repository without a scanning configuration",
    resource: repository("no-scan", { imageTagMutability: "IMMUTABLE" }),
    blockedBy: [P.ecrScan],
  },
  {
    title: "repository with scanOnPush false and mutable tags",
    resource: repository("mutable", {
      imageScanningConfiguration: { scanOnPush: false },
      imageTagMutability: "MUTABLE",
    }),
    blockedBy: [P.ecrScan, P.ecrImmutable],
  },
  {
    title: "repository with IMMUTABLE_WITH_EXCLUSION (some tags stay mutable)",
    resource: repository("exclusions", {
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [{ filter: "latest*", filterType: "WILDCARD" }],
    }),
    blockedBy: [P.ecrImmutable],
  },
  {
    title: "table without point-in-time recovery",
    resource: table("no-pitr", {}),
    blockedBy: [P.dynamoPitr],
  },
  {
    title: "table with point-in-time recovery disabled",
    resource: table("pitr-off", { pointInTimeRecovery: { enabled: false } }),
    blockedBy: [P.dynamoPitr],
  },
  {
    title: "symmetric key with rotation disabled",
    resource: resource("aws:kms/key:Key", "no-rotation", { enableKeyRotation: false }),
    blockedBy: [P.kmsRotation],
  },
  {
    title: "symmetric key that never mentions rotation",
    resource: resource("aws:kms/key:Key", "default-rotation", {
      description: "reports",
      keyUsage: "ENCRYPT_DECRYPT",
    }),
    blockedBy: [P.kmsRotation],
  },
  {
    title: 'Bucket with acl "public-read"',
    resource: resource("aws:s3/bucket:Bucket", "public-read", { acl: "public-read" }),
    blockedBy: [P.s3Acl],
  },
  {
    title: 'deprecated BucketV2 with acl "public-read-write"',
    resource: resource("aws:s3/bucketV2:BucketV2", "public-write", { acl: "public-read-write" }),
    blockedBy: [P.s3Acl],
  },
  {
    title: 'BucketAcl "authenticated-read" (any AWS account)',
    resource: resource("aws:s3/bucketAcl:BucketAcl", "authenticated", {
      bucket: "shop-reports",
      acl: "authenticated-read",
    }),
    blockedBy: [P.s3Acl],
  },
  {
    title: "deprecated BucketAclV2 granting READ to AllUsers",
    resource: resource("aws:s3/bucketAclV2:BucketAclV2", "all-users", {
      bucket: "shop-reports",
      accessControlPolicy: {
        owner,
        grants: [{ grantee: { type: "Group", uri: allUsers }, permission: "READ" }],
      },
    }),
    blockedBy: [P.s3Acl],
  },
  {
    title: "Bucket grants to AuthenticatedUsers",
    resource: resource("aws:s3/bucket:Bucket", "grants", {
      grants: [
        { type: "CanonicalUser", id: owner.id, permissions: ["FULL_CONTROL"] },
        {
          type: "Group",
          uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
          permissions: ["READ"],
        },
      ],
    }),
    blockedBy: [P.s3Acl],
  },
  {
    title: 'BucketAcl "Public-Read" in mixed case',
    resource: resource("aws:s3/bucketAcl:BucketAcl", "mixed-case", {
      bucket: "shop-reports",
      acl: "Public-Read",
    }),
    blockedBy: [P.s3Acl],
  },
  {
    title: "public access block with two of four flags",
    resource: resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "half-block", {
      bucket: "shop-reports",
      blockPublicAcls: true,
      ignorePublicAcls: true,
    }),
    blockedBy: [P.s3BlockComplete],
  },
  {
    title: "account public access block with restrictPublicBuckets false",
    resource: resource("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: false,
    }),
    blockedBy: [P.s3BlockComplete],
  },

  {
    title: "repository: scan on push, immutable tags, customer-managed key",
    resource: repository("app", {
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE",
    }),
  },
  {
    title: "table: point-in-time recovery, customer-managed key, deletion protection",
    resource: table("orders", { pointInTimeRecovery: { enabled: true } }),
  },
  {
    title: "asymmetric signing key (cannot rotate)",
    resource: resource("aws:kms/key:Key", "signing", {
      customerMasterKeySpec: "RSA_2048",
      keyUsage: "SIGN_VERIFY",
      policy: json({
        Statement: [{ Effect: "Allow", Principal: { AWS: arn.root }, Action: "kms:*", Resource: "*" }],
      }),
    }),
  },
  {
    title: "private bucket and a private BucketAclV2",
    resource: resource("aws:s3/bucketAclV2:BucketAclV2", "private", {
      bucket: "shop-reports",
      acl: "private",
    }),
  },
  {
    title: "public access block with all four flags",
    resource: resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "full-block", {
      bucket: "shop-reports",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
  },
  {
    title: "secret encrypted with a customer-managed key",
    resource: resource("aws:secretsmanager/secret:Secret", "jwt", {
      namePrefix: "shop-jwt-",
      kmsKeyId: arn.key("secrets"),
    }),
  },
];
