import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentsOf, documentTypesFor } from "../lib/documents";
import { forTypes } from "../lib/policy";

export const documentParseable: ResourceValidationPolicy = {
  name: "iam-document-parseable",
  description:
    "IAM documents must be valid JSON with a Statement whose Effect is Allow or Deny: the other IAM policies " +
    "can only vouch for documents they can read.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pass the document as an object or as `JSON.stringify(...)`/`pulumi.jsonStringify(...)` output, or build it with `aws.iam.getPolicyDocument`.",
  validateResource: forTypes(documentTypesFor(["identity", "trust", "resource"]), (args, reportViolation) => {
    for (const document of documentsOf(args)) {
      if (document.parsed.ok && document.parsed.unknown && document.copy.unknown) {
        // Nothing can be read yet: the runtime reports that the check waits for the update.
        throw document.copy.unknown;
      }
      if (!document.parsed.ok) {
        reportViolation(`${document.location} ${document.parsed.problem}; pass a valid IAM policy document.`);
        continue;
      }
      for (const statement of document.parsed.statements.filter(
        (candidate) => candidate.effect === "invalid",
      )) {
        reportViolation(
          `${document.location}, ${statement.label}: Effect must be "Allow" or "Deny"; fix the statement's Effect.`,
        );
      }
    }
  }),
};
