import type { ResourceValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "../lib/known";
import { actionCovers } from "../lib/iam-patterns";
import { forTypes, readConfig, stringListSetting } from "../lib/policy";
import { awsTypes } from "../lib/resource-types";

interface Config {
  deniedPolicyNames: string[];
}

const configSchema = {
  properties: {
    deniedPolicyNames: stringListSetting(
      "AWS-managed policy names (wildcards allowed) that may not be attached.",
      ["AdministratorAccess*", "PowerUserAccess", "IAMFullAccess", "*FullAccess"],
    ),
  },
};

/** Where each attachment type names the policies it attaches. */
const attachmentInputs: Record<string, string> = {
  [awsTypes.iamRolePolicyAttachment]: "policyArn",
  [awsTypes.iamUserPolicyAttachment]: "policyArn",
  [awsTypes.iamGroupPolicyAttachment]: "policyArn",
  [awsTypes.iamPolicyAttachment]: "policyArn",
  [awsTypes.iamRole]: "managedPolicyArns",
  [awsTypes.iamRolePolicyAttachmentsExclusive]: "policyArns",
};

/** The name of an AWS-managed policy (`arn:aws:iam::aws:policy/[path/]Name`), or undefined for any other ARN. */
function awsManagedPolicyName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn) ? arn.slice(arn.lastIndexOf("/") + 1) : undefined;
}

export const noAdminManagedPolicies: ResourceValidationPolicy = {
  name: "iam-no-admin-managed-policies",
  description:
    "No AWS-managed admin-level policy (AdministratorAccess, PowerUserAccess, IAMFullAccess, `*FullAccess`; " +
    "setting `deniedPolicyNames`) may be attached, by an attachment resource or by `Role.managedPolicyArns`.",
  enforcementLevel: "mandatory",
  remediationSteps: "Replace the managed policy with an inline policy that lists the exact actions and ARNs.",
  configSchema,
  validateResource: forTypes(Object.keys(attachmentInputs), (args, reportViolation) => {
    const config = readConfig<Config>(args, configSchema);
    const input = attachmentInputs[args.type];
    const value: unknown = knownOrUndefined(() => args.props[input]);
    const arns = (Array.isArray(value) ? value : [value]).filter(
      (arn): arn is string => typeof arn === "string",
    );
    for (const arn of arns) {
      const name = awsManagedPolicyName(arn);
      if (name !== undefined && config.deniedPolicyNames.some((pattern) => actionCovers(pattern, name))) {
        reportViolation(
          `${input} attaches the AWS-managed policy "${arn}", which grants admin-level access; ` +
            "attach an inline policy with the exact actions and ARNs instead.",
        );
      }
    }
  }),
};
