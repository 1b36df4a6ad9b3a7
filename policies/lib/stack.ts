import type { PolicyResource } from "@pulumi/policy";
import { knownOrUndefined } from "./known";

/**
 * Links between resources in `AnalyzeStack`.
 *
 * The engine records which resources each input was computed from (`propertyDependencies`); that is the only
 * link while ids and ARNs are still unknown during preview. When values are known (an update, the offline
 * preview) an input may also name the target directly: by its id, or by one of its own inputs or outputs
 * such as the bucket name or the function ARN.
 */
export function refersTo(
  referrer: PolicyResource,
  input: string,
  target: PolicyResource,
  targetKeys: readonly string[],
): boolean {
  const dependencies = referrer.propertyDependencies[input] ?? [];
  if (dependencies.some((dependency) => dependency.urn === target.urn)) {
    return true;
  }
  const value = knownOrUndefined(() => referrer.props[input]);
  if (typeof value !== "string" || value === "") {
    return false;
  }
  return ["id", ...targetKeys].some((key) => knownOrUndefined(() => target.props[key]) === value);
}

/** The resources of `type` whose input `input` refers to `target`. */
export function findReferrers(
  resources: readonly PolicyResource[],
  target: PolicyResource,
  type: string,
  input: string,
  targetKeys: readonly string[],
): PolicyResource[] {
  return resources.filter(
    (resource) => resource.type === type && refersTo(resource, input, target, targetKeys),
  );
}
