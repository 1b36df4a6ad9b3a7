import type { ResourceValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "./lib/known";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";

export const noHttpSubscriptions: ResourceValidationPolicy = {
  name: "sns-no-http-subscriptions",
  description:
    "SNS subscriptions must not deliver over plain `http`: messages (alerts, findings) would cross the internet unencrypted.",
  enforcementLevel: "mandatory",
  remediationSteps: 'Use `protocol: "https"` (or email, SQS, Lambda).',
  validateResource: forTypes([awsTypes.snsTopicSubscription], (args, reportViolation) => {
    const protocol = knownOrUndefined(() => args.props.protocol);
    if (typeof protocol === "string" && protocol.toLowerCase() === "http") {
      reportViolation('protocol "http" delivers messages unencrypted; use "https".');
    }
  }),
};

export const customerManagedKey: ResourceValidationPolicy = {
  name: "sns-customer-managed-key",
  description:
    "SNS topics should be encrypted with a customer-managed KMS key (not `alias/aws/sns`), whose use you control and audit.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `kmsMasterKeyId` to a key whose policy lets the publishing services use it.",
  validateResource: forTypes([awsTypes.snsTopic], (args, reportViolation) => {
    if (!isSet(() => args.props.kmsMasterKeyId)) {
      reportViolation("kmsMasterKeyId is not set; use a customer-managed KMS key.");
    } else if (knownOrUndefined(() => args.props.kmsMasterKeyId) === "alias/aws/sns") {
      reportViolation(
        'kmsMasterKeyId is "alias/aws/sns", the AWS-managed key; use a customer-managed KMS key.',
      );
    }
  }),
};

export const snsPolicies = [noHttpSubscriptions, customerManagedKey];
