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

/** Keys whose values are account, organisation or network ids: a wildcard in one matches other owners. */
const idKeys = new Set([
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:principalaccount",
  "kms:calleraccount",
  "aws:sourceorgid",
  "aws:principalorgid",
  "aws:sourcevpc",
  "aws:sourcevpce",
]);
/** Keys whose values are ARNs: they pin an owner only through a literal account id in the ARN. */
const arnKeys = new Set(["aws:sourcearn", "aws:principalarn"]);
/** Multi-valued keys: `ForAnyValue:` on them holds as soon as one of many values matches. */
const multiValuedKeys = new Set(["aws:principalorgpaths", "aws:sourceorgpaths"]);
/** Keys that pin the account a request comes from (what an S3 bucket ARN lacks). */
const sourceAccountKeys = new Set(["aws:sourceaccount", "aws:sourceowner"]);

const hasWildcard = (value: string) => /[*?]/.test(value);

/**
 * Why a value of a restricting key leaves the statement open, or undefined when it pins the caller.
 * `pinnedAccount` says whether another condition of the statement already pins the source account, which is
 * what makes an S3 bucket ARN (no account in it, and bucket names can be re-registered by anyone) restrict.
 */
function looseValue(key: string, value: string, pinnedAccount: boolean): string | undefined {
  if (isUnknownMarker(value)) {
    return undefined;
  }
  if (/^[*?]+$/.test(value)) {
    return "matches every value";
  }
  if (idKeys.has(key) && hasWildcard(value)) {
    return "has a wildcard, so it matches other accounts or organisations; compare the exact id with StringEquals";
  }
  if (arnKeys.has(key)) {
    const parts = value.split(":");
    if (parts[0] !== "arn" || parts.length < 6) {
      return hasWildcard(value) ? "is a pattern, not an ARN with a fixed account" : undefined;
    }
    if (hasWildcard(parts[1]) || hasWildcard(parts[2])) {
      return "leaves the partition or service open";
    }
    if (hasWildcard(parts[4])) {
      return "has a wildcard in the account id, so it matches resources of any account";
    }
    if (parts[4] === "" && !pinnedAccount) {
      return 'names no account (a bucket name can be registered by anyone); add StringEquals "aws:SourceAccount"';
    }
  }
  if (multiValuedKeys.has(key) && !/^o-[a-z0-9]+\//.test(value)) {
    return "does not start with a fixed organisation id";
  }
  return undefined;
}

/**
 * Why a condition on a restricting key does not narrow who the statement applies to, or undefined when it
 * does. Negated operators hold for every other value, `...IfExists` and `ForAllValues:` hold when the key is
 * absent, `ForAnyValue:` on a multi-valued key holds when any one value matches, `Null` only tests presence.
 */
function notRestricting(condition: Condition, pinnedAccount: boolean): string | undefined {
  const operator = condition.operator.toLowerCase();
  if (operator.includes("not")) {
    return "a negated operator matches every other value";
  }
  if (operator.endsWith("ifexists")) {
    return "an ...IfExists operator also matches requests without the key";
  }
  if (operator.startsWith("forallvalues:")) {
    return "ForAllValues: also matches requests without the key";
  }
  if (operator.startsWith("foranyvalue:") && multiValuedKeys.has(condition.key)) {
    return "ForAnyValue: on a multi-valued key matches when any one value does; use aws:PrincipalOrgID with StringEquals";
  }
  if (operator === "null") {
    return "Null only tests whether the key is present";
  }
  if (condition.values.length === 0) {
    return "it lists no value";
  }
  for (const value of condition.values) {
    const loose = looseValue(condition.key, value, pinnedAccount);
    if (loose !== undefined) {
      return `"${value}" ${loose}`;
    }
  }
  return undefined;
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
    const candidates = statement.conditions.filter((condition) => keys.has(condition.key));
    const pinnedAccount = candidates.some(
      (condition) => sourceAccountKeys.has(condition.key) && notRestricting(condition, false) === undefined,
    );
    const reasons: string[] = [];
    for (const condition of candidates) {
      const reason = notRestricting(condition, pinnedAccount);
      if (reason === undefined) {
        return [];
      }
      reasons.push(`${condition.operator} on "${condition.key}" does not restrict it (${reason})`);
    }
    const detail = reasons.length === 0 ? "with no restricting condition" : `where ${reasons.join("; ")}`;
    return [
      `Allow to public principal ${principals.join(", ")} ${detail}, which opens the resource to every AWS ` +
        "account; name the principal or pin it with StringEquals/ArnEquals on aws:SourceAccount, aws:SourceArn " +
        "(with a literal account id) or aws:PrincipalOrgID.",
    ];
  },
});
