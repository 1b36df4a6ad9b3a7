import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { stackOf } from "./lib/stack-once";
import { isSet } from "./lib/values";

export const scanOnPush: ResourceValidationPolicy = {
  name: "ecr-scan-on-push",
  description:
    "ECR repositories must scan every image on push, so a vulnerable image is known before it runs.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `imageScanningConfiguration: { scanOnPush: true }`.",
  validateResource: forTypes([awsTypes.ecrRepository], (args, reportViolation) => {
    if (args.props.imageScanningConfiguration?.scanOnPush !== true) {
      reportViolation("imageScanningConfiguration.scanOnPush is not true; set it to true.");
    }
  }),
};

export const immutableTags: ResourceValidationPolicy = {
  name: "ecr-immutable-tags",
  description:
    "ECR repositories must make tags immutable, so a tag that was scanned and deployed always names the same image.",
  enforcementLevel: "mandatory",
  remediationSteps: 'Set `imageTagMutability: "IMMUTABLE"` and deploy by digest.',
  validateResource: forTypes([awsTypes.ecrRepository], (args, reportViolation) => {
    const mutability = args.props.imageTagMutability;
    if (mutability !== "IMMUTABLE") {
      reportViolation(
        `imageTagMutability is ${mutability === undefined ? "not set (MUTABLE)" : `"${mutability}"`}; set it to "IMMUTABLE".`,
      );
    }
  }),
};

export const customerManagedKey: ResourceValidationPolicy = {
  name: "ecr-customer-managed-key",
  description:
    "ECR repositories should encrypt images with a customer-managed KMS key, whose use you control and audit.",
  enforcementLevel: "advisory",
  remediationSteps: 'Set `encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }]`.',
  validateResource: forTypes([awsTypes.ecrRepository], (args, reportViolation) => {
    const encryption = args.props.encryptionConfigurations?.[0];
    if (encryption?.encryptionType !== "KMS" || !isSet(() => encryption.kmsKey)) {
      reportViolation(
        'images are not encrypted with a customer-managed key; set encryptionType "KMS" and kmsKey.',
      );
    }
  }),
};

export const repositoryLifecyclePolicy: StackValidationPolicy = {
  name: "ecr-repository-lifecycle-policy",
  description:
    "Every ECR repository must have a lifecycle policy, or untagged and old images pile up (and keep being scanned and billed).",
  enforcementLevel: "mandatory",
  remediationSteps: "Add an `aws.ecr.LifecyclePolicy` for the repository that expires untagged images.",
  validateStack: (args, reportViolation) => {
    const lifecyclePolicies = stackOf(args).referrers(awsTypes.ecrLifecyclePolicy, "repository");
    for (const repository of stackOf(args).ofType(awsTypes.ecrRepository)) {
      if (lifecyclePolicies.to(repository, ["name"]).length === 0) {
        reportViolation(
          `repository "${repository.name}" has no lifecycle policy; add an aws.ecr.LifecyclePolicy for it.`,
          repository.urn,
        );
      }
    }
  },
};

export const ecrPolicies = [scanOnPush, immutableTags, repositoryLifecyclePolicy, customerManagedKey];
