import type { ResourceValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "../lib/known";
import { forTypes } from "../lib/policy";
import { awsTypes } from "../lib/resource-types";

export const noUserPolicies: ResourceValidationPolicy = {
  name: "iam-no-user-policies",
  description:
    "IAM users must not carry permissions of their own (CIS AWS Foundations 1.15): no inline `UserPolicy`, no " +
    "`UserPolicyAttachment`, no `PolicyAttachment` that lists users. Permissions come through groups or roles.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Put the user in a group (`aws.iam.UserGroupMembership`) and attach the policy to the group, or let the " +
    "user assume a role that holds it.",
  validateResource: forTypes(
    [awsTypes.iamUserPolicy, awsTypes.iamUserPolicyAttachment, awsTypes.iamPolicyAttachment],
    (args, reportViolation) => {
      const user = knownOrUndefined(() => args.props.user);
      const named = typeof user === "string" ? ` "${user}"` : "";
      if (args.type === awsTypes.iamUserPolicy) {
        reportViolation(
          `an inline policy on user${named} grants permissions to the user directly; attach it to a group the user is in instead.`,
        );
      } else if (args.type === awsTypes.iamUserPolicyAttachment) {
        const arn = knownOrUndefined(() => args.props.policyArn);
        reportViolation(
          `policyArn${typeof arn === "string" ? ` "${arn}"` : ""} is attached to user${named} directly; attach it to a group the user is in instead.`,
        );
      } else {
        const users = knownOrUndefined(() => args.props.users);
        if (Array.isArray(users) && users.length > 0) {
          reportViolation(
            `users lists ${users.map((name) => `"${String(name)}"`).join(", ")}: the policy is attached to users directly; list groups or roles instead.`,
          );
        }
      }
    },
  ),
};
