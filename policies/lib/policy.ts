import type {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";

/**
 * Restricts a validation to some resource types.
 *
 * With one type the function carries `__pulumiType`, the marker `validateResourceOfType` sets: the runtime
 * then skips every other resource without deserialising its inputs and reports the policy not applicable.
 * With several, other types pass silently: `args.notApplicable()` reports by throwing an Error, and one
 * stack trace per policy per resource took a fifth of the pack's time.
 */
export function forTypes(types: readonly string[], validate: ResourceValidation): ResourceValidation {
  if (types.length === 1) {
    return Object.assign(
      (args: ResourceValidationArgs, reportViolation: ReportViolation) => validate(args, reportViolation),
      {
        __pulumiType: types[0],
      },
    );
  }
  const wanted: ReadonlySet<string> = new Set(types);
  const validation: ResourceValidation = (args, reportViolation) =>
    wanted.has(args.type) ? validate(args, reportViolation) : undefined;
  judgedTypes.set(validation, wanted);
  return validation;
}

/** The types each multi-type `forTypes` validation judges (a single type is its `__pulumiType`). */
const judgedTypes = new WeakMap<ResourceValidation, ReadonlySet<string>>();

/**
 * The resource types a validation made by `forTypes` with several types judges; undefined for any other
 * validation. Resources of other types pass it silently, so a server may leave it out for them.
 */
export function typesJudgedBy(validation: ResourceValidation): ReadonlySet<string> | undefined {
  return judgedTypes.get(validation);
}

/** The values a config schema declares as `default`. */
export function configDefaults(schema: PolicyConfigSchema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined) {
      defaults[key] = property.default;
    }
  }
  return defaults;
}

/**
 * The policy's configuration with the schema defaults filled in.
 *
 * The CLI fills defaults in before `Configure`, but a pack started without `--policy-pack-config` (or the
 * in-process harness) receives nothing, so the defaults are applied here as well from the same schema.
 */
export function readConfig<T extends object>(
  args: Pick<ResourceValidationArgs | StackValidationArgs, "getConfig">,
  schema: PolicyConfigSchema,
): T {
  return { ...configDefaults(schema), ...args.getConfig<Partial<T>>() } as T;
}

/** A schema property holding a list of strings, with its default. */
export function stringListSetting(description: string, defaults: readonly string[]) {
  return { type: "array" as const, items: { type: "string" as const }, description, default: [...defaults] };
}
