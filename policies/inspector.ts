import type { StackValidationPolicy } from "@pulumi/policy";
import { copyKnown } from "./lib/known";
import { awsTypes } from "./lib/resource-types";

export const scanningEnabled: StackValidationPolicy = {
  name: "inspector-scanning-enabled",
  description:
    "A stack with ECR repositories or Lambda functions must enable Amazon Inspector v2 for them (resource " +
    "types ECR and LAMBDA), so new CVEs in deployed images and functions raise findings.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add an `aws.inspector2.Enabler` for this account with `resourceTypes: ["ECR", "LAMBDA"]`.',
  validateStack: (args, reportViolation) => {
    const needed: string[] = [];
    if (args.resources.some((resource) => resource.type === awsTypes.ecrRepository)) {
      needed.push("ECR");
    }
    if (args.resources.some((resource) => resource.type === awsTypes.lambdaFunction)) {
      needed.push("LAMBDA");
    }
    const enabled = new Set(
      args.resources
        .filter((resource) => resource.type === awsTypes.inspector2Enabler)
        .flatMap((enabler) => {
          const types = copyKnown(() => enabler.props.resourceTypes).value;
          return Array.isArray(types) ? types.map((type) => String(type).toUpperCase()) : [];
        }),
    );
    const missing = needed.filter((type) => !enabled.has(type));
    if (missing.length > 0) {
      reportViolation(
        `the stack has ${missing.join(" and ")} resources but Inspector v2 does not scan ${missing.join(" and ")}; ` +
          `add an aws.inspector2.Enabler with resourceTypes ${JSON.stringify(needed)}.`,
      );
    }
  },
};

export const inspectorPolicies = [scanningEnabled];
