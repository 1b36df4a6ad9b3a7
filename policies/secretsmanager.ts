import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { knownOrUndefined } from "./lib/known";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";
import { stackOf } from "./lib/stack-once";

export const customerManagedKey: ResourceValidationPolicy = {
  name: "secretsmanager-customer-managed-key",
  description:
    "Secrets should be encrypted with a customer-managed KMS key (not `aws/secretsmanager`), so reading one also needs a key grant you control.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `kmsKeyId` to a customer-managed key and grant the readers kms:Decrypt on it.",
  validateResource: forTypes([awsTypes.secretsManagerSecret], (args, reportViolation) => {
    if (!isSet(() => args.props.kmsKeyId)) {
      reportViolation("kmsKeyId is not set; use a customer-managed KMS key.");
    } else if (knownOrUndefined(() => args.props.kmsKeyId) === "alias/aws/secretsmanager") {
      reportViolation(
        'kmsKeyId is "alias/aws/secretsmanager", the AWS-managed key; use a customer-managed KMS key.',
      );
    }
  }),
};

export const secretRotation: StackValidationPolicy = {
  name: "secretsmanager-secret-rotation",
  description: "Secrets should rotate automatically, so a leaked value stops working on its own.",
  enforcementLevel: "advisory",
  remediationSteps: "Add an `aws.secretsmanager.SecretRotation` with a rotation Lambda and a schedule.",
  validateStack: (args, reportViolation) => {
    const secretRotations = stackOf(args).referrers(awsTypes.secretsManagerSecretRotation, "secretId");
    for (const secret of stackOf(args).ofType(awsTypes.secretsManagerSecret)) {
      const rotations = secretRotations.to(secret, ["arn", "name"]);
      if (rotations.length === 0) {
        reportViolation(
          `secret "${secret.name}" never rotates; add an aws.secretsmanager.SecretRotation for it.`,
          secret.urn,
        );
      }
    }
  },
};

export const secretsManagerPolicies = [customerManagedKey, secretRotation];
