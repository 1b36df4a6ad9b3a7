import type {
  Policies,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as runtimeServer from "@pulumi/policy/server";
import { deserializeOncePerRequest } from "../../policies/lib/deserialize-once";
import { servedRequestDeserializers } from "../../policies/lib/serving";
import { sharedStackHandler } from "../../policies/lib/stack-once";
import { packName } from "../../policies/pack";
import packageJson from "../../policies/package.json";
import type * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import {
  fromAnalyzeResponse,
  toAnalyzeRequest,
  toAnalyzeStackRequest,
} from "../../scripts/preview/analyzer-messages";
import type {
  AnalyzedResource,
  AnalyzeResult,
  EnforcementLevel,
  PolicyDiagnostic,
} from "../../scripts/preview/types";

/**
 * Runs policies in-process through the policy runtime's own Analyze and AnalyzeStack handlers
 * (`@pulumi/policy/server`), fed the same protobuf requests the engine sends: inputs are deserialised and
 * wrapped in `unknownCheckingProxy` by the runtime itself, not-applicable reasons and violation messages
 * are produced by it, and unknown values (the engine's sentinel strings) behave as during a preview.
 *
 * Only the policy configuration is injected here: the runtime keeps it in a module-private variable that
 * only its gRPC `Configure` handler sets (the protocol tests cover that path).
 */

type Handler<Request> = (
  call: { request: Request },
  callback: (error: Error | null | undefined, response?: analyzerproto.AnalyzeResponse) => void,
) => Promise<void>;

interface PolicyRuntime {
  makeAnalyzeRpcFun(
    packName: string,
    packVersion: string,
    enforcementLevel: EnforcementLevel,
    policies: Policies,
  ): Handler<analyzerproto.AnalyzeRequest>;
  makeAnalyzeStackRpcFun(
    packName: string,
    packVersion: string,
    enforcementLevel: EnforcementLevel,
    policies: Policies,
  ): Handler<analyzerproto.AnalyzeStackRequest>;
}

// The handlers are internal to @pulumi/policy (its typings export nothing from ./server).
const runtime = runtimeServer as unknown as PolicyRuntime;

// The pack's entry point installs this before serving; the runtime in-process must decode the same way.
deserializeOncePerRequest();

const served = servedRequestDeserializers();

/**
 * The request as the pack's server decodes it from the wire, inputs kept as bytes until read
 * (request-decoding.ts), so every policy test runs on the path the pack is served by. With a protocol
 * whose fields the lazy decoders do not know the server keeps the generated decoding, and so does this.
 */
function asReceived<Request extends { serializeBinary(): Uint8Array }>(
  request: Request,
  method: "analyze" | "analyzeStack",
): Request {
  return served === undefined ? request : (served[method](Buffer.from(request.serializeBinary())) as Request);
}

/** The runtime's sentinel for a string that is unknown during preview (what the engine sends). */
export const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TestResource {
  readonly type: string;
  readonly name?: string;
  readonly properties: Record<string, unknown>;
  readonly provider?: AnalyzedResource["provider"];
  readonly propertyDependencies?: AnalyzedResource["propertyDependencies"];
}

export interface RunOptions {
  /** Per-policy configuration properties, as `getConfig()` returns them. */
  readonly config?: Readonly<Record<string, Record<string, unknown>>>;
  /** Per-policy enforcement levels, as a policy pack config file sets them. */
  readonly enforcementLevels?: Readonly<Record<string, EnforcementLevel>>;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::shop::${type}::${name}`;
}

export function toAnalyzed(resource: TestResource, index = 0): AnalyzedResource {
  const name = resource.name ?? `resource-${index}`;
  return {
    urn: urnOf(resource.type, name),
    type: resource.type,
    name,
    properties: resource.properties,
    ...(resource.provider ? { provider: resource.provider } : {}),
    ...(resource.propertyDependencies ? { propertyDependencies: resource.propertyDependencies } : {}),
  };
}

type AnyPolicy = Policies[number];

function withConfig(policy: AnyPolicy, properties: Record<string, unknown> | undefined): AnyPolicy {
  if (!properties) {
    return policy;
  }
  const inject = <Args extends object>(args: Args) => ({ ...args, getConfig: () => properties });
  const resourcePolicy = policy as ResourceValidationPolicy;
  if (resourcePolicy.validateResource) {
    const wrap = (validate: ResourceValidation): ResourceValidation =>
      Object.assign(
        (args: Parameters<ResourceValidation>[0], report: Parameters<ResourceValidation>[1]) =>
          validate(inject(args), report),
        // Keep the runtime's by-type fast path of the wrapped validation.
        { __pulumiType: (validate as { __pulumiType?: string }).__pulumiType },
      );
    const validations = resourcePolicy.validateResource;
    return {
      ...resourcePolicy,
      validateResource: Array.isArray(validations) ? validations.map(wrap) : wrap(validations),
    };
  }
  const stackPolicy = policy as StackValidationPolicy;
  const validateStack: StackValidationPolicy["validateStack"] = (args, report) =>
    stackPolicy.validateStack(inject(args), report);
  return { ...stackPolicy, validateStack };
}

function prepare(policies: Policies, options: RunOptions): Policies {
  return policies.map((policy) => {
    const level = options.enforcementLevels?.[policy.name];
    const configured = withConfig(policy, options.config?.[policy.name]);
    return level ? { ...configured, enforcementLevel: level } : configured;
  });
}

function invoke<Request>(handler: Handler<Request>, request: Request): Promise<AnalyzeResult> {
  return new Promise((resolve, reject) => {
    void handler({ request }, (error, response) => {
      if (error) {
        reject(error);
      } else {
        resolve(fromAnalyzeResponse(response!));
      }
    });
  });
}

/** The pack's own name and version, so in-process diagnostics equal the ones the pack process returns. */
export const testPackName = packName;
const packVersion = packageJson.version;

/** The runtime's `Analyze` handler, given a request as the engine would send it. */
export function analyzeRequest(
  policies: Policies,
  request: analyzerproto.AnalyzeRequest,
  options: RunOptions = {},
): Promise<AnalyzeResult> {
  const handler = runtime.makeAnalyzeRpcFun(
    testPackName,
    packVersion,
    "advisory",
    prepare(policies, options),
  );
  return invoke(handler, asReceived(request, "analyze"));
}

/** The runtime's `AnalyzeStack` handler, given a request as the engine would send it. */
export function analyzeStackRequest(
  policies: Policies,
  request: analyzerproto.AnalyzeStackRequest,
  options: RunOptions = {},
): Promise<AnalyzeResult> {
  // Wrapped as the pack's server wraps it: the stack policies are tested on the path they are served by.
  const handler = sharedStackHandler(
    runtime.makeAnalyzeStackRpcFun(testPackName, packVersion, "advisory", prepare(policies, options)),
  );
  return invoke(handler, asReceived(request, "analyzeStack"));
}

export function analyzeResource(
  policies: Policies,
  resource: TestResource,
  options: RunOptions = {},
): Promise<AnalyzeResult> {
  return analyzeRequest(policies, toAnalyzeRequest(toAnalyzed(resource)), options);
}

export function analyzeStack(
  policies: Policies,
  resources: readonly (TestResource | AnalyzedResource)[],
  options: RunOptions = {},
): Promise<AnalyzeResult> {
  const analyzed = resources.map((resource, index) =>
    "urn" in resource ? resource : toAnalyzed(resource, index),
  );
  return analyzeStackRequest(policies, toAnalyzeStackRequest(analyzed), options);
}

/** The diagnostics of one policy. */
export function of(result: AnalyzeResult, policyName: string): PolicyDiagnostic[] {
  return result.diagnostics.filter((diagnostic) => diagnostic.policyName === policyName);
}

/** The names of the policies with at least one diagnostic at the given level, sorted. */
export function violatedPolicies(result: AnalyzeResult, level: EnforcementLevel = "mandatory"): string[] {
  return [
    ...new Set(result.diagnostics.filter((d) => d.enforcementLevel === level).map((d) => d.policyName)),
  ].sort();
}
