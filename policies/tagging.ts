import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { copyKnown, type KnownCopy } from "./lib/known";
import { forTypes, readConfig, stringListSetting } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";

/** The taggable resource types of this stack: the ones that cost money or hold data. */
const taggedTypes = [
  awsTypes.apiGatewayV2Api,
  awsTypes.apiGatewayV2Stage,
  awsTypes.cloudTrail,
  awsTypes.cloudWatchLogGroup,
  awsTypes.codeBuildProject,
  awsTypes.dynamoDbTable,
  awsTypes.ecrRepository,
  awsTypes.iamRole,
  awsTypes.kmsKey,
  awsTypes.lambdaFunction,
  awsTypes.s3Bucket,
  awsTypes.s3BucketV2,
  awsTypes.secretsManagerSecret,
  awsTypes.snsTopic,
  awsTypes.sqsQueue,
];

interface Config {
  requiredTags: string[];
}

const configSchema = {
  properties: {
    requiredTags: stringListSetting("Tag keys every taggable resource needs (compared case-insensitively).", [
      "project",
      "stack",
      "owner",
    ]),
  },
};

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function keysOf(value: unknown): string[] {
  return value !== null && typeof value === "object" ? Object.keys(value) : [];
}

/**
 * The tag keys a resource ends up with: its own `tags`, `tagsAll` when the engine sends it, and the
 * provider's `defaultTags`, which the provider adds at deploy time (the provider's inputs hold them as JSON).
 * Also the first value that was unknown during preview, if any.
 */
function effectiveTagKeys(args: ResourceValidationArgs): {
  keys: Set<string>;
  unknown?: KnownCopy["unknown"];
} {
  const sources = [
    copyKnown(() => args.props.tags),
    copyKnown(() => args.props.tagsAll),
    copyKnown(() => args.provider?.props.defaultTags),
  ];
  const [tags, tagsAll, defaults] = sources.map((source) => source.value);
  const defaultTags = typeof defaults === "string" ? safeParse(defaults) : defaults;
  const keys = [
    ...keysOf(tags),
    ...keysOf(tagsAll),
    ...keysOf((defaultTags as { tags?: unknown } | undefined)?.tags),
  ];
  const unknown = sources.find((source) => source.unknown)?.unknown;
  return { keys: new Set(keys.map((key) => key.toLowerCase())), ...(unknown ? { unknown } : {}) };
}

export const requiredTags: ResourceValidationPolicy = {
  name: "tags-required",
  description:
    "Taggable resources should carry the tags cost reports and owners are found by (`requiredTags`, by default project, stack, owner), " +
    "either on the resource or through the provider's defaultTags.",
  enforcementLevel: "advisory",
  remediationSteps: "Set the AWS provider's `defaultTags` from stack config, or add `tags` to the resource.",
  configSchema,
  validateResource: forTypes(taggedTypes, (args, reportViolation) => {
    const { requiredTags: required } = readConfig<Config>(args, configSchema);
    const present = effectiveTagKeys(args);
    const missing = required.filter((key) => !present.keys.has(key.toLowerCase()));
    if (missing.length > 0 && present.unknown) {
      // Tags that are unknown during preview may hold the missing keys: the runtime reports the check as deferred.
      throw present.unknown;
    }
    if (missing.length > 0) {
      reportViolation(
        `tags ${missing.map((key) => `"${key}"`).join(", ")} missing; add them to the provider's defaultTags.`,
      );
    }
  }),
};

export const taggingPolicies = [requiredTags];
