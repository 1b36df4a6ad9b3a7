import { documentPolicy } from "./document-policy";

export const noNotElements = documentPolicy({
  name: "iam-no-allow-with-not-elements",
  description:
    "IAM documents must not combine Allow with NotAction, NotResource or NotPrincipal: each grants " +
    "everything except a list, including whatever AWS adds later.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Write an Allow with the exact Action, Resource and Principal; express exclusions as a separate Deny statement.",
  kinds: ["identity", "trust", "resource"],
  check(statement) {
    if (statement.effect !== "Allow") {
      return [];
    }
    const problems: string[] = [];
    if (statement.notActions) {
      problems.push(
        "Allow with NotAction grants every action not listed; list the allowed actions in Action instead.",
      );
    }
    if (statement.notResources) {
      problems.push(
        "Allow with NotResource grants on every resource not listed; list the allowed ARNs in Resource instead.",
      );
    }
    if (statement.notPrincipals) {
      problems.push(
        "Allow with NotPrincipal grants to everyone not listed; name the allowed principals in Principal instead.",
      );
    }
    return problems;
  },
});
