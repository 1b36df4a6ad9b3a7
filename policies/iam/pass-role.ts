import { actionCovers, isNamedRoleArn } from "../lib/iam-patterns";
import { documentPolicy, quoteList } from "./document-policy";

export const passRoleNamedRoles = documentPolicy({
  name: "iam-passrole-named-roles",
  description:
    "`iam:PassRole`, and any wildcard that covers it (`iam:Pass*`, `iam:*`, `*`), may only be allowed on " +
    "named role ARNs: passing any role lets the holder run code with that role's permissions.",
  enforcementLevel: "mandatory",
  remediationSteps: "Allow `iam:PassRole` only on the exact role ARNs the service needs (e.g. `role.arn`).",
  kinds: ["identity"],
  check(statement) {
    if (statement.effect !== "Allow") {
      return [];
    }
    const passing = statement.actions.filter((action) => actionCovers(action, "iam:PassRole"));
    if (passing.length === 0) {
      return [];
    }
    return statement.resources
      .filter((resource) => !isNamedRoleArn(resource))
      .map(
        (resource) =>
          `Allow of ${quoteList(passing)} (covers iam:PassRole) on resource "${resource}" lets the holder pass ` +
          "roles that are not named; allow iam:PassRole only on exact role ARNs.",
      );
  },
});
