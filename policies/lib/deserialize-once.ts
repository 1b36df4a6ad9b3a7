/** The request's properties: a google-protobuf `Struct` message. */
type Struct = object;

type DeserializeProperties = (properties: Struct, proxySecrets: boolean) => Record<string, unknown>;

interface DeserializeModule {
  deserializeProperties: DeserializeProperties;
}

/** Marks the memoising wrapper, so installing twice (the pack and the in-process harness) wraps once. */
const shared = Symbol.for("shop-guardrails.deserializeOncePerRequest");

/**
 * Makes the policy runtime decode each resource's properties once per request instead of once per policy.
 *
 * `@pulumi/policy` (1.21) calls its internal `deserializeProperties` on the request's protobuf `Struct`
 * inside its loop over policies: an `Analyze` call decodes the same inputs again for every resource policy
 * that applies (and the resource's provider for each of them), and `AnalyzeStack` decodes the whole stack
 * once per stack policy. Over the dev stack that was 34 decodings per resource and a sixth of the pack's
 * CPU time. Memoising on the `Struct` instance does the work once: the engine's request is decoded into
 * fresh messages on every call, so a cached value lives exactly as long as the request that holds it.
 *
 * The decoded object is shared by the policies judging that resource; the runtime still wraps it in a
 * fresh unknown-checking proxy for each of them. Sharing is sound because policies only read their
 * inputs; the policy tests check that evaluating the whole corpus leaves every decoded input unchanged.
 *
 * Only the runtime's speed depends on this: if a later `@pulumi/policy` no longer exposes the function,
 * nothing is wrapped and the runtime decodes as before. Returns whether the runtime now decodes once.
 */
export function deserializeOncePerRequest(): boolean {
  // The runtime's own module object: its server looks `deserializeProperties` up on it at every call.
  // An ES namespace import would be a copy, and wrapping the copy would change nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require("@pulumi/policy/deserialize") as Partial<DeserializeModule>;
  const original = runtime.deserializeProperties;
  if (typeof original !== "function") {
    return false;
  }
  if (shared in original) {
    return true;
  }
  const decoded = new WeakMap<Struct, Record<string, unknown>>();
  const once: DeserializeProperties = (properties, proxySecrets) => {
    // The secret-preserving variant (remediations) returns a proxy of its own; it is left alone.
    if (proxySecrets) {
      return original(properties, proxySecrets);
    }
    let value = decoded.get(properties);
    if (value === undefined) {
      value = original(properties, proxySecrets);
      decoded.set(properties, value);
    }
    return value;
  };
  runtime.deserializeProperties = Object.assign(once, { [shared]: true });
  return true;
}
