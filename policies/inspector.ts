import type { StackValidationPolicy } from "@pulumi/policy";
import { copyKnown } from "./lib/known";
import { awsTypes } from "./lib/resource-types";
import { stackOf } from "./lib/stack-once";

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
    if (stackOf(args).ofType(awsTypes.ecrRepository).length > 0) {
      needed.push("ECR");
    }
    if (stackOf(args).ofType(awsTypes.lambdaFunction).length > 0) {
      needed.push("LAMBDA");
    }
    const enabled = new Set(
      stackOf(args)
        .ofType(awsTypes.inspector2Enabler)
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
