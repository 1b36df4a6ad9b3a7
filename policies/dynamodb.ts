import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";

export const pointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-point-in-time-recovery",
  description:
    "DynamoDB tables must have point-in-time recovery on, so a bad write or delete can be rolled back.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `pointInTimeRecovery: { enabled: true }`.",
  validateResource: forTypes([awsTypes.dynamoDbTable], (args, reportViolation) => {
    if (args.props.pointInTimeRecovery?.enabled !== true) {
      reportViolation("pointInTimeRecovery.enabled is not true; set it to true.");
    }
  }),
};

export const customerManagedKey: ResourceValidationPolicy = {
  name: "dynamodb-customer-managed-key",
  description:
    "DynamoDB tables should be encrypted with a customer-managed KMS key, whose use you control and audit.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `serverSideEncryption: { enabled: true, kmsKeyArn: key.arn }`.",
  validateResource: forTypes([awsTypes.dynamoDbTable], (args, reportViolation) => {
    const encryption = args.props.serverSideEncryption;
    if (encryption?.enabled !== true || !isSet(() => encryption.kmsKeyArn)) {
      reportViolation(
        "the table uses an AWS-owned or AWS-managed key; set serverSideEncryption with a kmsKeyArn.",
      );
    }
  }),
};

export const deletionProtection: ResourceValidationPolicy = {
  name: "dynamodb-deletion-protection",
  description:
    "DynamoDB tables should have deletion protection, so a mistaken replace or destroy cannot drop data.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Set `deletionProtectionEnabled: true` (from stack config, so short-lived stacks can opt out).",
  validateResource: forTypes([awsTypes.dynamoDbTable], (args, reportViolation) => {
    if (args.props.deletionProtectionEnabled !== true) {
      reportViolation("deletionProtectionEnabled is not true; set it to true.");
    }
  }),
};

export const dynamoDbPolicies = [pointInTimeRecovery, customerManagedKey, deletionProtection];
