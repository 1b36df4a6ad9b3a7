import type { Policies, ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import { typesJudgedBy } from "./policy";

type Policy = Policies[number];

/**
 * The policies as the runtime's `Analyze` loop should see them for a resource of `type`: the same list,
 * in the same order, without the validations made by `forTypes` for several types that do not include
 * `type` (and without a policy none of whose validations is left).
 *
 * Such a validation passes every other type silently: it reports nothing and no not-applicable reason,
 * so leaving it out changes no answer. What it saves is the runtime's work before the call: for each
 * validation it builds the arguments (options, provider, a proxy over the inputs), and over the dev stack
 * 15 of every resource's 27 validation calls were such silent passes.
 *
 * Every other policy is kept as it is, the same object: typed single validations keep the runtime's
 * fast path and its "Policy only applies to resources of type ..." reason, stack policies are skipped
 * by the runtime's `Analyze` anyway. When nothing is left out, the list itself is returned.
 */
export function policiesForType(policies: Policies, type: string): Policies {
  const kept: Policy[] = [];
  let changed = false;
  for (const policy of policies) {
    const validations = (policy as Partial<ResourceValidationPolicy>).validateResource;
    if (validations === undefined) {
      kept.push(policy);
      continue;
    }
    const list: ResourceValidation[] = Array.isArray(validations) ? validations : [validations];
    const judging = list.filter((validation) => typesJudgedBy(validation)?.has(type) ?? true);
    if (judging.length === list.length) {
      kept.push(policy);
      continue;
    }
    changed = true;
    if (judging.length > 0) {
      kept.push({ ...policy, validateResource: judging } as ResourceValidationPolicy);
    }
  }
  return changed ? kept : policies;
}

/** The runtime's `Analyze` handler for a list of policies (`makeAnalyzeRpcFun` with the pack's metadata). */
export type MakeAnalyzeHandler<Handler> = (policies: Policies) => Handler;

/**
 * Beyond this many distinct types the handler stops making one runtime handler per type and serves the
 * rest with the full list: the engine's types are those of the providers' schemas, so a stream of new
 * ones would be a client playing with the pack, and its memory must stay bounded.
 */
const MAX_TYPES = 2_000;

/**
 * An `Analyze` handler that serves each request with the runtime's own handler made for the policies
 * that can judge its type (`policiesForType`), made once per type.
 *
 * The runtime's handler does everything else as before: enforcement levels and config from `Configure`,
 * violations, not-applicable reasons, unknown values and the response.
 */
export function analyzeByType<Request extends { getType(): string }, Call extends { request: Request }, Done>(
  policies: Policies,
  makeHandler: MakeAnalyzeHandler<(call: Call, callback: Done) => Promise<void>>,
): (call: Call, callback: Done) => Promise<void> {
  const full = makeHandler(policies);
  const byType = new Map<string, (call: Call, callback: Done) => Promise<void>>();
  return (call, callback) => {
    const type = call.request.getType();
    let handler = byType.get(type);
    if (handler === undefined) {
      if (byType.size >= MAX_TYPES) {
        return full(call, callback);
      }
      const kept = policiesForType(policies, type);
      handler = kept === policies ? full : makeHandler(kept);
      byType.set(type, handler);
    }
    return handler(call, callback);
  };
}
