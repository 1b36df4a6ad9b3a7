import { strict as assert } from "node:assert";
import { packName, policies } from "../../policies/pack";

const mandatory = [
  "iam-document-parseable",
  "iam-no-wildcard-actions",
  "iam-no-wildcard-resources",
  "iam-no-allow-with-not-elements",
  "iam-passrole-named-roles",
  "iam-trust-no-public-principal",
  "iam-oidc-trust-pinned",
  "iam-resource-policy-not-public",
  "iam-no-admin-managed-policies",
  "iam-no-privilege-escalation",
  "iam-trust-cross-account-external-id",
  "iam-no-user-policies",
  "kms-no-policy-lockout-bypass",
  "awsnative-checked-types-use-aws",
  "lambda-permission-no-public-principal",
  "lambda-permission-source-scoped",
  "lambda-no-secrets-in-environment",
  "ecr-scan-on-push",
  "ecr-immutable-tags",
  "ecr-repository-lifecycle-policy",
  "dynamodb-point-in-time-recovery",
  "kms-key-rotation",
  "s3-no-public-acl",
  "s3-public-access-block-complete",
  "s3-bucket-public-access-block",
  "cloudtrail-log-file-validation",
  "cloudtrail-multi-region",
  "cloudtrail-kms-encryption",
  "cloudwatch-log-group-retention",
  "apigateway-stage-access-logging",
  "apigateway-stage-throttling",
  "apigateway-cors-no-wildcard-with-credentials",
  "sns-no-http-subscriptions",
  "codebuild-no-plaintext-credentials",
  "inspector-scanning-enabled",
];

const advisory = [
  "iam-no-partial-wildcard-actions",
  "lambda-xray-tracing",
  "lambda-reserved-concurrency",
  "lambda-async-failure-destination",
  "ecr-customer-managed-key",
  "dynamodb-customer-managed-key",
  "dynamodb-deletion-protection",
  "s3-bucket-tls-only",
  "s3-bucket-versioning",
  "s3-bucket-customer-managed-key",
  "s3-bucket-access-logging",
  "cloudtrail-cloudwatch-logs",
  "cloudwatch-log-group-customer-managed-key",
  "sns-customer-managed-key",
  "secretsmanager-customer-managed-key",
  "secretsmanager-secret-rotation",
  "tags-required",
];

const stackPolicies = [
  "ecr-repository-lifecycle-policy",
  "s3-bucket-public-access-block",
  "s3-bucket-tls-only",
  "s3-bucket-versioning",
  "s3-bucket-customer-managed-key",
  "s3-bucket-access-logging",
  "inspector-scanning-enabled",
  "lambda-async-failure-destination",
  "secretsmanager-secret-rotation",
];

describe("policy pack metadata", () => {
  it("is named like the pack the CLI serves", () => {
    assert.match(packName, /^[a-zA-Z0-9-_.]{1,100}$/);
  });

  it("has the issue's mandatory and advisory policies at their default levels, and no others", () => {
    const levels = Object.fromEntries(policies.map((policy) => [policy.name, policy.enforcementLevel]));
    assert.deepEqual(
      Object.keys(levels).sort(),
      [...mandatory, ...advisory].sort(),
      "the pack's policies differ from the documented list",
    );
    for (const name of mandatory) assert.equal(levels[name], "mandatory", name);
    for (const name of advisory) assert.equal(levels[name], "advisory", name);
  });

  it("validates each stack-wide requirement over the whole stack and everything else per resource", () => {
    for (const policy of policies) {
      const expectStack = stackPolicies.includes(policy.name);
      assert.equal("validateStack" in policy, expectStack, policy.name);
      assert.equal("validateResource" in policy, !expectStack, policy.name);
    }
  });

  for (const policy of policies) {
    it(`${policy.name}: <service>-<requirement> name, an actionable description and fix`, () => {
      assert.match(
        policy.name,
        /^(iam|awsnative|lambda|ecr|dynamodb|kms|s3|cloudtrail|cloudwatch|apigateway|sns|codebuild|secretsmanager|inspector|tags)-[a-z0-9-]+$/,
      );
      assert.ok(policy.description.length >= 60 && /[.)]$/.test(policy.description), policy.description);
      assert.ok(
        policy.remediationSteps && policy.remediationSteps.length >= 20,
        `${policy.name} has no remediation steps`,
      );
      for (const [key, property] of Object.entries(policy.configSchema?.properties ?? {})) {
        assert.ok(
          typeof property === "object" && property.description,
          `${policy.name}.${key} has no description`,
        );
        assert.ok(
          typeof property === "object" && property.default !== undefined,
          `${policy.name}.${key} has no default`,
        );
      }
    });
  }
});
