import type { ResourceValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "./lib/known";
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

export const noPolicyLockoutBypass: ResourceValidationPolicy = {
  name: "kms-no-policy-lockout-bypass",
  description:
    "KMS keys and key policies must not set `bypassPolicyLockoutSafetyCheck`: it lets a key policy through that " +
    "no principal can change afterwards, and only AWS support can make such a key manageable again.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove `bypassPolicyLockoutSafetyCheck` (default false) and keep the account-root statement in the key policy.",
  validateResource: forTypes([awsTypes.kmsKey, awsTypes.kmsKeyPolicy], (args, reportViolation) => {
    const bypass = knownOrUndefined(() => args.props.bypassPolicyLockoutSafetyCheck);
    if (bypass === true || String(bypass).toLowerCase() === "true") {
      reportViolation(
        "bypassPolicyLockoutSafetyCheck is true, so KMS accepts a policy that locks every principal out of the key; remove it.",
      );
    }
  }),
};

export const kmsPolicies = [keyRotation, noPolicyLockoutBypass];
