import { keyPolicyTypes } from "../lib/documents";
import type { Statement } from "../lib/iam-document";
import {
  isAccountRoot,
  isFullActionWildcard,
  isPartialActionWildcard,
  resourceScope,
} from "../lib/iam-patterns";
import { actionsCoveredBy } from "../lib/service-authorization";
import { documentPolicy, quoteList } from "./document-policy";

/**
 * The cryptographic operations of a KMS key (AWS's term): the calls an AWS service makes to encrypt and
 * decrypt with the key, none of which changes the key, its policy or its grants.
 */
const kmsCryptographicOperations = new Set([
  "kms:encrypt",
  "kms:decrypt",
  "kms:reencryptfrom",
  "kms:reencryptto",
  "kms:generatedatakey",
  "kms:generatedatakeywithoutplaintext",
  "kms:generatedatakeypair",
  "kms:generatedatakeypairwithoutplaintext",
  "kms:describekey",
  "kms:describecustomkeystores",
]);

/**
 * The key policy templates AWS documents for CloudWatch Logs, CloudTrail, SNS and EventBridge grant their
 * service principal `kms:GenerateDataKey*`, `kms:Encrypt*`, `kms:Describe*`: wildcards that cover only
 * cryptographic operations (by AWS's list of KMS actions) are what those services need, not a gap.
 */
function isServiceCryptoWildcard(action: string, statement: Statement): boolean {
  const covered = actionsCoveredBy(action);
  return (
    statement.principals.length > 0 &&
    statement.principals.every((principal) => principal.type.toLowerCase() === "service") &&
    covered.length > 0 &&
    covered.every((name) => kmsCryptographicOperations.has(name))
  );
}

/**
 * The statement AWS writes into every default key policy: the account root may do `kms:*` on the key, so
 * that IAM policies in the account can grant access to it. Without it the key becomes unmanageable.
 */
function isKeyPolicyRootStatement(statement: Statement): boolean {
  return (
    statement.principals.length > 0 &&
    statement.principals.every((principal) => principal.type === "AWS" && isAccountRoot(principal.value)) &&
    statement.actions.length > 0 &&
    statement.actions.every((action) => action.toLowerCase() === "kms:*") &&
    statement.resources.length > 0 &&
    statement.resources.every((resource) => resource === "*")
  );
}

export const noWildcardActions = documentPolicy({
  name: "iam-no-wildcard-actions",
  description:
    "IAM documents must not Allow every action of a service or of all services (`*`, `s3:*`, in any case, " +
    "alone or in a list). The one exception is the account-root `kms:*` statement of a KMS key policy.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "List the exact actions the workload calls, e.g. `dynamodb:GetItem` instead of `dynamodb:*`.",
  kinds: ["identity", "trust", "resource"],
  check(statement, { document, args }) {
    if (statement.effect !== "Allow") {
      return [];
    }
    const wildcards = statement.actions.filter(isFullActionWildcard);
    if (wildcards.length === 0) {
      return [];
    }
    if (
      document.kind === "resource" &&
      keyPolicyTypes.includes(args.type) &&
      isKeyPolicyRootStatement(statement)
    ) {
      return [];
    }
    return wildcards.map((action) => {
      const service = action.split(":")[0];
      const scope =
        !action.includes(":") || /[*?]/.test(service)
          ? "actions of every service"
          : `every ${service} action`;
      return `Allow of action "${action}" grants ${scope}; list the exact actions the workload calls instead.`;
    });
  },
});

export const noPartialWildcardActions = documentPolicy({
  name: "iam-no-partial-wildcard-actions",
  description:
    "IAM documents should name exact actions: a partial wildcard such as `s3:Get*` also grants actions " +
    "nobody reviewed, including ones AWS adds later. In key policies, a service principal's wildcard that covers " +
    "only cryptographic operations (`kms:GenerateDataKey*`, as AWS's templates write it) is accepted.",
  enforcementLevel: "advisory",
  remediationSteps: "Replace the wildcard with the exact actions, e.g. `s3:GetObject` instead of `s3:Get*`.",
  kinds: ["identity", "trust", "resource"],
  check(statement, { document, args }) {
    if (statement.effect !== "Allow") {
      return [];
    }
    // Where the resources are unbounded, iam-no-wildcard-resources already reports the statement.
    if (
      document.kind === "identity" &&
      statement.resources.some((resource) => resourceScope(resource) !== "scoped")
    ) {
      return [];
    }
    const keyPolicy = document.kind === "resource" && keyPolicyTypes.includes(args.type);
    const partial = statement.actions.filter(
      (action) =>
        isPartialActionWildcard(action) && !(keyPolicy && isServiceCryptoWildcard(action, statement)),
    );
    return partial.length === 0
      ? []
      : [`Allow of ${quoteList(partial)} matches more actions than named; list the exact actions instead.`];
  },
});
