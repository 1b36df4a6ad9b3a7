import type { TestResource } from "../harness";

/**
 * The corpus: resources written every way the pack must understand, each with the verdict it must get.
 *
 * An unsafe case names the mandatory policies that must block it, exactly (no fewer, no others). A safe
 * case names none and must pass every policy of the pack, advisory ones included.
 */
export interface ResourceCase {
  readonly title: string;
  readonly resource: TestResource;
  readonly blockedBy?: readonly string[];
}

/** A whole stack for the stack policies, judged by `AnalyzeStack`. */
export interface StackCase {
  readonly title: string;
  readonly resources: readonly TestResource[];
  readonly blockedBy?: readonly string[];
}

export const account = "123456789012";
export const region = "us-east-1";

/** The policy names, so a typo in a case fails to compile instead of expecting a policy that never fires. */
export const P = {
  parseable: "iam-document-parseable",
  actions: "iam-no-wildcard-actions",
  resources: "iam-no-wildcard-resources",
  notElements: "iam-no-allow-with-not-elements",
  passRole: "iam-passrole-named-roles",
  trustPublic: "iam-trust-no-public-principal",
  oidc: "iam-oidc-trust-pinned",
  resourcePublic: "iam-resource-policy-not-public",
  adminPolicies: "iam-no-admin-managed-policies",
  escalation: "iam-no-privilege-escalation",
  crossAccount: "iam-trust-cross-account-external-id",
  userPolicies: "iam-no-user-policies",
  kmsLockout: "kms-no-policy-lockout-bypass",
  nativeUnchecked: "awsnative-checked-types-use-aws",
  lambdaPublic: "lambda-permission-no-public-principal",
  lambdaSource: "lambda-permission-source-scoped",
  lambdaSecrets: "lambda-no-secrets-in-environment",
  ecrScan: "ecr-scan-on-push",
  ecrImmutable: "ecr-immutable-tags",
  ecrLifecycle: "ecr-repository-lifecycle-policy",
  dynamoPitr: "dynamodb-point-in-time-recovery",
  kmsRotation: "kms-key-rotation",
  s3Acl: "s3-no-public-acl",
  s3BlockComplete: "s3-public-access-block-complete",
  s3Block: "s3-bucket-public-access-block",
  trailValidation: "cloudtrail-log-file-validation",
  trailMultiRegion: "cloudtrail-multi-region",
  trailKms: "cloudtrail-kms-encryption",
  logRetention: "cloudwatch-log-group-retention",
  stageLogs: "apigateway-stage-access-logging",
  stageThrottling: "apigateway-stage-throttling",
  cors: "apigateway-cors-no-wildcard-with-credentials",
  snsHttp: "sns-no-http-subscriptions",
  codeBuildCredentials: "codebuild-no-plaintext-credentials",
  inspector: "inspector-scanning-enabled",
} as const;

const defaultTags = { project: "shop-infra", stack: "test", owner: "platform-team" };

/** The AWS provider every resource of the program uses: its default tags reach every resource. */
export const taggedProvider = {
  urn: "urn:pulumi:test::shop::pulumi:providers:aws::aws",
  type: "pulumi:providers:aws",
  name: "aws",
  properties: { region, defaultTags: JSON.stringify({ tags: defaultTags }) },
};

export function resource(type: string, name: string, properties: Record<string, unknown>): TestResource {
  return { type, name, properties, provider: taggedProvider };
}

/** A document as a JSON string, the way `JSON.stringify`, `pulumi.jsonStringify` and getPolicyDocument write it. */
export const json = (document: unknown): string => JSON.stringify(document, null, 2);

export const arn = {
  table: (name: string) => `arn:aws:dynamodb:${region}:${account}:table/${name}`,
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  role: (name: string) => `arn:aws:iam::${account}:role/${name}`,
  logGroup: (name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}`,
  topic: (name: string) => `arn:aws:sns:${region}:${account}:${name}`,
  queue: (name: string) => `arn:aws:sqs:${region}:${account}:${name}`,
  key: (id: string) => `arn:aws:kms:${region}:${account}:key/${id}`,
  secret: (name: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`,
  function: (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`,
  repository: (name: string) => `arn:aws:ecr:${region}:${account}:repository/${name}`,
  rule: (name: string) => `arn:aws:events:${region}:${account}:rule/${name}`,
  root: `arn:aws:iam::${account}:root`,
};
