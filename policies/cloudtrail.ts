import type { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";

const trails = (validate: ResourceValidation) => forTypes([awsTypes.cloudTrail], validate);

export const logFileValidation: ResourceValidationPolicy = {
  name: "cloudtrail-log-file-validation",
  description: "CloudTrail trails must validate log files, so tampering with the audit log can be detected.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `enableLogFileValidation: true`.",
  validateResource: trails((args, reportViolation) => {
    if (args.props.enableLogFileValidation !== true) {
      reportViolation("enableLogFileValidation is not true; set it to true.");
    }
  }),
};

export const multiRegion: ResourceValidationPolicy = {
  name: "cloudtrail-multi-region",
  description:
    "CloudTrail trails must record every region, so activity in an unused region is not invisible.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `isMultiRegionTrail: true`.",
  validateResource: trails((args, reportViolation) => {
    if (args.props.isMultiRegionTrail !== true) {
      reportViolation("isMultiRegionTrail is not true; set it to true.");
    }
  }),
};

export const kmsEncryption: ResourceValidationPolicy = {
  name: "cloudtrail-kms-encryption",
  description:
    "CloudTrail trails must encrypt log files with a KMS key, so reading them needs a key grant as well.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `kmsKeyId` to a customer-managed key whose policy lets CloudTrail encrypt.",
  validateResource: trails((args, reportViolation) => {
    if (!isSet(() => args.props.kmsKeyId)) {
      reportViolation("kmsKeyId is not set; encrypt the trail with a customer-managed KMS key.");
    }
  }),
};

export const cloudWatchLogs: ResourceValidationPolicy = {
  name: "cloudtrail-cloudwatch-logs",
  description:
    "CloudTrail trails should deliver to CloudWatch Logs, where metric filters and alarms can watch them.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `cloudWatchLogsGroupArn` (`${logGroup.arn}:*`) and `cloudWatchLogsRoleArn`.",
  validateResource: trails((args, reportViolation) => {
    if (!isSet(() => args.props.cloudWatchLogsGroupArn) || !isSet(() => args.props.cloudWatchLogsRoleArn)) {
      reportViolation(
        "the trail does not deliver to CloudWatch Logs; set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn.",
      );
    }
  }),
};

export const cloudTrailPolicies = [logFileValidation, multiRegion, kmsEncryption, cloudWatchLogs];
