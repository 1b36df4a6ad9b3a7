import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";
import { parseDocument, type Statement } from "./lib/iam-document";
import { actionCovers } from "./lib/iam-patterns";
import { copyKnown, isUnknownMarker, knownOrUndefined } from "./lib/known";
import { forTypes } from "./lib/policy";
import { awsTypes, s3BucketTypes } from "./lib/resource-types";
import { stackOf, type Stack } from "./lib/stack-once";
import { isSet } from "./lib/values";

const publicCannedAcls = ["public-read", "public-read-write", "authenticated-read"];
const publicGroupUris = [
  "http://acs.amazonaws.com/groups/global/AllUsers",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

function publicGranteeUris(
  grants: unknown,
  granteeOf: (grant: Record<string, unknown>) => unknown,
): string[] {
  if (!Array.isArray(grants)) {
    return [];
  }
  return grants
    .map((grant) => granteeOf(grant as Record<string, unknown>))
    .filter((uri): uri is string => typeof uri === "string" && publicGroupUris.includes(uri));
}

export const noPublicAcl: ResourceValidationPolicy = {
  name: "s3-no-public-acl",
  description:
    "S3 buckets must not be opened by an ACL: no public canned ACL (`public-read`, `public-read-write`, " +
    "`authenticated-read`) and no grant to AllUsers or AuthenticatedUsers, on `Bucket`, `BucketAcl` or the " +
    "deprecated `BucketV2`/`BucketAclV2` aliases.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the ACL (buckets are private by default) and share objects through a scoped bucket policy.",
  validateResource: forTypes(
    [...s3BucketTypes, awsTypes.s3BucketAcl, awsTypes.s3BucketAclV2],
    (args, reportViolation) => {
      const acl = knownOrUndefined(() => args.props.acl);
      if (typeof acl === "string" && publicCannedAcls.includes(acl.toLowerCase())) {
        reportViolation(
          `acl "${acl}" makes the bucket readable by others; remove it (buckets are private by default).`,
        );
      }
      const uris = s3BucketTypes.some((type) => type === args.type)
        ? publicGranteeUris(copyKnown(() => args.props.grants).value, (grant) => grant.uri)
        : publicGranteeUris(
            copyKnown(() => args.props.accessControlPolicy?.grants).value,
            (grant) => (grant.grantee as Record<string, unknown> | undefined)?.uri,
          );
      for (const uri of uris) {
        reportViolation(`a grant to "${uri}" makes the bucket readable by others; remove the grant.`);
      }
    },
  ),
};

const blockFlags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const publicAccessBlockComplete: ResourceValidationPolicy = {
  name: "s3-public-access-block-complete",
  description:
    "A public access block must set all four flags (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, " +
    "restrictPublicBuckets); each one left off is a way to make the bucket public.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set all four flags to true.",
  validateResource: forTypes(
    [awsTypes.s3BucketPublicAccessBlock, awsTypes.s3AccountPublicAccessBlock],
    (args, reportViolation) => {
      const missing = blockFlags.filter((flag) => args.props[flag] !== true);
      if (missing.length > 0) {
        reportViolation(
          `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not true; set all four flags to true.`,
        );
      }
    },
  ),
};

function buckets(stack: Stack): PolicyResource[] {
  return stack.resources.filter((resource) => s3BucketTypes.some((type) => type === resource.type));
}

/** The bucket name and ARN: what `bucket` inputs and policy ARNs refer to. */
const bucketKeys = ["bucket", "arn"];

export const bucketPublicAccessBlock: StackValidationPolicy = {
  name: "s3-bucket-public-access-block",
  description:
    "Every S3 bucket must have a public access block (or the stack an account-wide one), so no later ACL or policy can make it public.",
  enforcementLevel: "mandatory",
  remediationSteps: "Add an `aws.s3.BucketPublicAccessBlock` for the bucket with all four flags true.",
  validateStack: (args, reportViolation) => {
    if (stackOf(args).ofType(awsTypes.s3AccountPublicAccessBlock).length > 0) {
      return;
    }
    const blocks = stackOf(args).referrers(awsTypes.s3BucketPublicAccessBlock, "bucket");
    for (const bucket of buckets(stackOf(args))) {
      if (blocks.to(bucket, bucketKeys).length === 0) {
        reportViolation(
          `bucket "${bucket.name}" has no public access block; add an aws.s3.BucketPublicAccessBlock for it.`,
          bucket.urn,
        );
      }
    }
  },
};

/** A Deny for everyone of every S3 action when `aws:SecureTransport` is false. */
function deniesInsecureTransport(statement: Statement): boolean {
  return (
    statement.effect === "Deny" &&
    statement.principals.some((principal) => principal.type === "*" || principal.value === "*") &&
    statement.actions.some(
      (action) => actionCovers(action, "s3:GetObject") && actionCovers(action, "s3:PutObject"),
    ) &&
    statement.conditions.some(
      (condition) =>
        condition.key === "aws:securetransport" &&
        condition.operator.toLowerCase().startsWith("bool") &&
        condition.values.some((value) => value.toLowerCase() === "false"),
    )
  );
}

/**
 * Whether a bucket policy document denies plain HTTP. A document not known yet (during the preview of a
 * first deployment the bucket's ARN, and so the whole document, is unknown) is remembered, not judged.
 */
function documentDeniesInsecureTransport(read: () => unknown, unknowns: UnknownValueError[]): boolean {
  const copy = copyKnown(read);
  if (copy.unknown) unknowns.push(copy.unknown);
  const parsed = parseDocument(copy.value);
  return parsed.ok && parsed.statements.some(deniesInsecureTransport);
}

export const bucketTlsOnly: StackValidationPolicy = {
  name: "s3-bucket-tls-only",
  description:
    "S3 buckets should refuse plain HTTP: a bucket policy that denies every S3 action when `aws:SecureTransport` is false.",
  enforcementLevel: "advisory",
  remediationSteps:
    'Add a bucket policy statement: Deny, Principal "*", Action "s3:*", the bucket and its objects, Condition `Bool: { "aws:SecureTransport": "false" }`.',
  validateStack: (args, reportViolation) => {
    const bucketPolicies = stackOf(args).referrers(awsTypes.s3BucketPolicy, "bucket");
    // A bucket whose policy is not known yet is neither passed nor failed: once every known bucket has
    // been judged, the first unknown is rethrown so the runtime reports "can't run during preview", and
    // `pulumi up` judges the document once it is known.
    const unknowns: UnknownValueError[] = [];
    for (const bucket of buckets(stackOf(args))) {
      const policies = bucketPolicies.to(bucket, bucketKeys);
      const bucketUnknowns: UnknownValueError[] = [];
      const tlsOnly =
        documentDeniesInsecureTransport(() => bucket.props.policy, bucketUnknowns) ||
        policies.some((policy) => documentDeniesInsecureTransport(() => policy.props.policy, bucketUnknowns));
      if (tlsOnly) continue;
      if (bucketUnknowns.length > 0) {
        unknowns.push(...bucketUnknowns);
        continue;
      }
      reportViolation(
        `bucket "${bucket.name}" accepts requests without TLS; add a bucket policy that denies aws:SecureTransport false.`,
        bucket.urn,
      );
    }
    if (unknowns.length > 0) throw unknowns[0];
  },
};

export const bucketVersioning: StackValidationPolicy = {
  name: "s3-bucket-versioning",
  description: "S3 buckets should keep object versions, so an overwritten or deleted object can be restored.",
  enforcementLevel: "advisory",
  remediationSteps: 'Add an `aws.s3.BucketVersioning` with `versioningConfiguration: { status: "Enabled" }`.',
  validateStack: (args, reportViolation) => {
    const stack = stackOf(args);
    const versionings = [awsTypes.s3BucketVersioning, awsTypes.s3BucketVersioningV2].map((type) =>
      stack.referrers(type, "bucket"),
    );
    for (const bucket of buckets(stack)) {
      const inline = knownOrUndefined(() => bucket.props.versioning?.enabled) === true;
      const separate = versionings
        .flatMap((versioning) => versioning.to(bucket, bucketKeys))
        .some(
          (versioning) =>
            knownOrUndefined(() => versioning.props.versioningConfiguration?.status) === "Enabled",
        );
      if (!inline && !separate) {
        reportViolation(
          `bucket "${bucket.name}" does not keep versions; enable versioning on it.`,
          bucket.urn,
        );
      }
    }
  },
};

/** The encryption rules of a bucket: its own (deprecated) inline configuration and separate resources. */
function encryptionDefaults(rules: unknown): { algorithm?: unknown; key?: unknown }[] {
  if (!Array.isArray(rules)) {
    return [];
  }
  return rules.map((rule) => {
    const byDefault = (rule as Record<string, Record<string, unknown> | undefined>)
      ?.applyServerSideEncryptionByDefault;
    return { algorithm: byDefault?.sseAlgorithm, key: byDefault?.kmsMasterKeyId };
  });
}

/** `alias/aws/s3`, by name or by its ARN: the AWS-managed key, whose policy nobody controls. */
const isAwsManagedS3Key = (key: string) => key === "alias/aws/s3" || key.endsWith(":alias/aws/s3");

export const bucketCustomerManagedKey: StackValidationPolicy = {
  name: "s3-bucket-customer-managed-key",
  description:
    "S3 buckets should encrypt by default with SSE-KMS under a customer-managed key (`aws:kms` or " +
    "`aws:kms:dsse` with a `kmsMasterKeyId` other than `alias/aws/s3`), so the key policy decides who can read.",
  enforcementLevel: "advisory",
  remediationSteps:
    'Add an `aws.s3.BucketServerSideEncryptionConfiguration` with `sseAlgorithm: "aws:kms"`, ' +
    "`kmsMasterKeyId: key.arn` and `bucketKeyEnabled: true`.",
  validateStack: (args, reportViolation) => {
    const stack = stackOf(args);
    const configurations = [awsTypes.s3BucketEncryption, awsTypes.s3BucketEncryptionV2].map((type) =>
      stack.referrers(type, "bucket"),
    );
    for (const bucket of buckets(stack)) {
      const rules = [
        ...encryptionDefaults(
          copyKnown(
            () =>
              bucket.props.serverSideEncryptionConfiguration?.rules ??
              bucket.props.serverSideEncryptionConfiguration?.rule,
          ).value,
        ),
        ...configurations
          .flatMap((configuration) => configuration.to(bucket, bucketKeys))
          .flatMap((configuration) => encryptionDefaults(copyKnown(() => configuration.props.rules).value)),
      ];
      const customerManaged = rules.some(
        ({ algorithm, key }) =>
          typeof algorithm === "string" &&
          algorithm.toLowerCase().startsWith("aws:kms") &&
          (isUnknownMarker(key) || (typeof key === "string" && key !== "" && !isAwsManagedS3Key(key))),
      );
      if (!customerManaged) {
        const found =
          rules.map(({ algorithm }) => String(algorithm ?? "unset")).join(", ") || "the S3 default";
        reportViolation(
          `bucket "${bucket.name}" is encrypted with ${found}, not SSE-KMS under a customer-managed key; add a ` +
            'BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId.',
          bucket.urn,
        );
      }
    }
  },
};

/** Whether a trail records object-level (data) events of the bucket with the given ARN. */
function trailLogsObjects(trail: PolicyResource, bucketArn: string | undefined): boolean {
  const covers = (value: unknown) =>
    typeof value === "string" &&
    (isUnknownMarker(value) ||
      /^arn:aws[a-z-]*:s3(:::)?$/.test(value) ||
      (bucketArn !== undefined && `${bucketArn}/`.startsWith(value.endsWith("/") ? value : `${value}/`)));
  const selectors = copyKnown(() => trail.props.eventSelectors).value;
  const basic =
    Array.isArray(selectors) &&
    selectors.some((selector: Record<string, unknown>) =>
      ((selector?.dataResources as Record<string, unknown>[] | undefined) ?? []).some(
        (resource) =>
          resource?.type === "AWS::S3::Object" &&
          ((resource.values as unknown[] | undefined) ?? []).some(covers),
      ),
    );
  const advanced = copyKnown(() => trail.props.advancedEventSelectors).value;
  const advancedCovers =
    Array.isArray(advanced) &&
    advanced.some((selector: Record<string, unknown>) => {
      const fields = (selector?.fieldSelectors as Record<string, unknown>[] | undefined) ?? [];
      const field = (name: string) => fields.find((entry) => entry?.field === name);
      const type = field("resources.type");
      const arn = field("resources.ARN");
      return (
        Array.isArray(type?.equals) &&
        type.equals.includes("AWS::S3::Object") &&
        (arn === undefined || ((arn.startsWiths as unknown[] | undefined) ?? []).some(covers))
      );
    });
  return basic || advancedCovers;
}

export const bucketAccessLogging: StackValidationPolicy = {
  name: "s3-bucket-access-logging",
  description:
    "Requests to the stack's S3 buckets should be recorded: server access logging (`aws.s3.BucketLogging`) " +
    "or a CloudTrail trail of the stack that logs the bucket's S3 data events.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add an `aws.s3.BucketLogging` to a log bucket, or an event selector for `AWS::S3::Object` on the bucket's " +
    "ARN to the stack's trail.",
  validateStack: (args, reportViolation) => {
    const stack = stackOf(args);
    const loggings = [awsTypes.s3BucketLogging, awsTypes.s3BucketLoggingV2].map((type) =>
      stack.referrers(type, "bucket"),
    );
    const trails = stack.ofType(awsTypes.cloudTrail);
    for (const bucket of buckets(stack)) {
      const arn = knownOrUndefined(() => bucket.props.arn);
      const name = knownOrUndefined(() => bucket.props.bucket);
      const bucketArn =
        typeof arn === "string" ? arn : typeof name === "string" ? `arn:aws:s3:::${name}` : undefined;
      const logged =
        isSet(() => bucket.props.logging?.targetBucket) ||
        loggings.some((logging) => logging.to(bucket, bucketKeys).length > 0) ||
        trails.some((trail) => trailLogsObjects(trail, bucketArn));
      if (!logged) {
        reportViolation(
          `bucket "${bucket.name}" has no server access logging and no trail records its data events; add an ` +
            "aws.s3.BucketLogging or an AWS::S3::Object event selector to the stack's trail.",
          bucket.urn,
        );
      }
    }
  },
};

export const s3Policies = [
  noPublicAcl,
  publicAccessBlockComplete,
  bucketPublicAccessBlock,
  bucketTlsOnly,
  bucketVersioning,
  bucketCustomerManagedKey,
  bucketAccessLogging,
];
