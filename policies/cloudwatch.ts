import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, readConfig } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";

interface RetentionConfig {
  minimumRetentionDays: number;
}

const retentionSchema = {
  properties: {
    minimumRetentionDays: {
      type: "integer" as const,
      minimum: 1,
      description: "The shortest retention accepted, in days.",
      default: 1,
    },
  },
};

export const logGroupRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention",
  description:
    "CloudWatch log groups must set a retention (at least `minimumRetentionDays`): logs kept forever cost money and hold personal data for no reason.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `retentionInDays` (from stack config).",
  configSchema: retentionSchema,
  validateResource: forTypes([awsTypes.cloudWatchLogGroup], (args, reportViolation) => {
    const { minimumRetentionDays } = readConfig<RetentionConfig>(args, retentionSchema);
    const retention = args.props.retentionInDays;
    if (typeof retention !== "number" || retention === 0) {
      reportViolation("retentionInDays is not set, so logs are kept forever; set it.");
    } else if (retention < minimumRetentionDays) {
      reportViolation(`retentionInDays is ${retention}; keep logs at least ${minimumRetentionDays} days.`);
    }
  }),
};

export const logGroupCustomerManagedKey: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-customer-managed-key",
  description:
    "CloudWatch log groups should be encrypted with a customer-managed KMS key, whose use you control and audit.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `kmsKeyId` to a key whose policy lets the CloudWatch Logs service use it.",
  validateResource: forTypes([awsTypes.cloudWatchLogGroup], (args, reportViolation) => {
    if (!isSet(() => args.props.kmsKeyId)) {
      reportViolation("kmsKeyId is not set; encrypt the log group with a customer-managed KMS key.");
    }
  }),
};

export const cloudWatchPolicies = [logGroupRetention, logGroupCustomerManagedKey];
