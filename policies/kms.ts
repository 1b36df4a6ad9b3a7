import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";

export const keyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description:
    "Symmetric KMS keys must rotate their key material automatically (asymmetric and HMAC keys cannot rotate and are not checked).",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `enableKeyRotation: true`.",
  validateResource: forTypes([awsTypes.kmsKey], (args, reportViolation) => {
    const spec = args.props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    const usage = args.props.keyUsage ?? "ENCRYPT_DECRYPT";
    if (
      spec === "SYMMETRIC_DEFAULT" &&
      usage === "ENCRYPT_DECRYPT" &&
      args.props.enableKeyRotation !== true
    ) {
      reportViolation("enableKeyRotation is not true; set it to true.");
    }
  }),
};

export const kmsPolicies = [keyRotation];
