import type { Condition, Statement } from "../lib/iam-document";
import { isPublicPrincipalValue } from "../lib/iam-patterns";
import { isUnknownMarker } from "../lib/known";
import { stringListSetting } from "../lib/policy";
import { documentPolicy } from "./document-policy";

export const defaultRestrictingConditionKeys = [
  "aws:SourceArn",
  "aws:SourceAccount",
  "aws:SourceOwner",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "kms:CallerAccount",
];

interface Config {
  restrictingConditionKeys: string[];
}

/**
 * A condition that narrows who the statement applies to: a listed key, compared with a positive operator
 * against values that are not all wildcards. `...IfExists` and `ForAllValues:` hold when the key is absent.
 */
function restricts(condition: Condition, keys: ReadonlySet<string>): boolean {
  const operator = condition.operator.toLowerCase();
  return (
    keys.has(condition.key) &&
    !operator.includes("not") &&
    !operator.endsWith("ifexists") &&
    !operator.startsWith("forallvalues:") &&
    operator !== "null" &&
    condition.values.length > 0 &&
    condition.values.some((value) => isUnknownMarker(value) || !/^[*?]+$/.test(value))
  );
}

function publicPrincipals(statement: Statement): string[] {
  return statement.principals
    .filter((principal) => principal.type === "*" || isPublicPrincipalValue(principal.value))
    .map((principal) => (principal.type === "*" ? '"*"' : `{"${principal.type}": "${principal.value}"}`));
}

export const resourcePolicyNotPublic = documentPolicy<Config>({
  name: "iam-resource-policy-not-public",
  description:
    'Resource policies (ECR, S3, SNS, SQS, KMS, Secrets Manager, EventBridge, CloudWatch Logs) must not Allow a public principal (`"*"`, ' +
    '`{"AWS": "*"}`, `{"AWS": ["*"]}`) unless a condition restricts it (`aws:SourceArn`, `aws:SourceAccount`, ' +
    "`aws:PrincipalOrgID`, ...; setting `restrictingConditionKeys`). Deny statements are always fine.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Name the principal (service or account), or add a condition such as `StringEquals: { "aws:SourceAccount": <account> }` ' +
    'or `ArnEquals: { "aws:SourceArn": <arn> }`.',
  kinds: ["resource"],
  configSchema: {
    properties: {
      restrictingConditionKeys: stringListSetting(
        "Condition keys that make a public principal acceptable when compared with a positive operator.",
        defaultRestrictingConditionKeys,
      ),
    },
  },
  check(statement, { config }) {
    if (statement.effect !== "Allow" || statement.conditionsUnknown) {
      return [];
    }
    const principals = publicPrincipals(statement);
    if (principals.length === 0) {
      return [];
    }
    const keys = new Set(config.restrictingConditionKeys.map((key) => key.toLowerCase()));
    if (statement.conditions.some((condition) => restricts(condition, keys))) {
      return [];
    }
    return [
      `Allow to public principal ${principals.join(", ")} with no restricting condition opens the resource to ` +
        "every AWS account; name the principal or add a condition on aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
    ];
  },
});
