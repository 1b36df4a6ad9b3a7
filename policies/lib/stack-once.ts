import { AsyncLocalStorage } from "node:async_hooks";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { referrersOf, type Referrers } from "./stack";

/**
 * The stack as every stack policy of one `AnalyzeStack` call sees it: its resources, decoded once, and
 * indexes over them built on first use and shared by all the policies of that call.
 */
export interface Stack {
  readonly resources: readonly PolicyResource[];
  /** The resources of `type`, in stack order. */
  ofType(type: string): readonly PolicyResource[];
  /** The resources of `type` indexed by what their input `input` refers to (see `referrersOf`). */
  referrers(type: string, input: string): Referrers;
}

function indexedStack(resources: readonly PolicyResource[]): Stack {
  const byType = new Map<string, PolicyResource[]>();
  for (const resource of resources) {
    const list = byType.get(resource.type);
    if (list === undefined) {
      byType.set(resource.type, [resource]);
    } else {
      list.push(resource);
    }
  }
  const referrers = new Map<string, Referrers>();
  return {
    resources,
    ofType: (type) => byType.get(type) ?? [],
    referrers(type, input) {
      const key = `${type}\u0000${input}`;
      let found = referrers.get(key);
      if (found === undefined) {
        found = referrersOf(byType.get(type) ?? [], type, input);
        referrers.set(key, found);
      }
      return found;
    },
  };
}

/** The stack of the `AnalyzeStack` call being served, when the handler is wrapped by `sharedStackHandler`. */
const current = new AsyncLocalStorage<Stack>();

/** Stacks built from `args.resources` when no call shares one (a runtime handler used unwrapped). */
const fromArgs = new WeakMap<readonly PolicyResource[], Stack>();

/**
 * What a stack policy reads instead of `args.resources`.
 *
 * Served through `sharedStackHandler`, the runtime's own `args.resources` is empty (that is the point:
 * the runtime no longer rebuilds the list for each stack policy), so a policy that read it directly
 * would find nothing. The policy tests run every stack policy through the wrapped handler, so such a
 * policy fails them.
 */
export function stackOf(args: Pick<StackValidationArgs, "resources">): Stack {
  const shared = current.getStore();
  if (shared !== undefined) {
    return shared;
  }
  let stack = fromArgs.get(args.resources);
  if (stack === undefined) {
    stack = indexedStack(args.resources);
    fromArgs.set(args.resources, stack);
  }
  return stack;
}

/** The parts of the analyzer's protobuf messages read here (`@pulumi/pulumi/proto/analyzer_pb`). */
interface ResourceMessage {
  getType(): string;
  getUrn(): string;
  getName(): string;
  getProperties(): object | undefined;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(each: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getOptions(): OptionsMessage | undefined;
  getProvider():
    | { getType(): string; getUrn(): string; getName(): string; getProperties(): object | undefined }
    | undefined;
}

interface OptionsMessage {
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getAliasesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplacedefined(): boolean;
  getDeletebeforereplace(): boolean;
  getParent(): string;
  getCustomtimeouts(): { getCreate(): number; getUpdate(): number; getDelete(): number } | undefined;
}

interface StackRequest {
  getResourcesList(): ResourceMessage[];
}

type Callback = (error: Error, response?: undefined) => void;

interface RuntimeModules {
  deserializeProperties(properties: object, proxySecrets: boolean): Record<string, unknown>;
  unknownCheckingProxy(value: Record<string, unknown>): Record<string, unknown>;
  getPulumiType(value: unknown): string | undefined;
}

/**
 * The runtime's own decoding and unknown-value proxy, looked up on its module objects at each call, so
 * resources decoded here behave exactly like the ones it builds (unknowns raise its UnknownValueError,
 * which it turns into the usual "can't run during preview" advisory).
 */
function runtimeModules(): RuntimeModules {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const deserialize = require("@pulumi/policy/deserialize") as Pick<RuntimeModules, "deserializeProperties">;
  const proxy = require("@pulumi/policy/proxy") as Pick<RuntimeModules, "unknownCheckingProxy">;
  const policy = require("@pulumi/policy/policy") as Pick<RuntimeModules, "getPulumiType">;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    deserializeProperties: (properties, proxySecrets) =>
      deserialize.deserializeProperties(properties, proxySecrets),
    unknownCheckingProxy: (value) => proxy.unknownCheckingProxy(value),
    getPulumiType: (value) => policy.getPulumiType(value),
  };
}

/** Whether a resource of `type` is of `resourceClass`, the way the runtime's `isType` answers it. */
function isOfType(runtime: RuntimeModules, type: string, resourceClass: unknown): boolean {
  const pulumiType = runtime.getPulumiType(resourceClass);
  if (pulumiType !== undefined) {
    return type === pulumiType;
  }
  const isInstance = (resourceClass as { isInstance?: unknown } | undefined)?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/**
 * Decodes the request's resources once, into the shape the runtime gives stack policies.
 *
 * Inputs, options and links are decoded when a policy first reads them, not up front: the stack policies read the
 * resources of a few types (`ofType`, `referrers`), so eagerly decoding all of them was most of an
 * `AnalyzeStack` (5,000 resources: 0.5 s over the runtime's floor). A provider, shared by most
 * resources, is decoded once per request.
 */
function decodeStack(runtime: RuntimeModules, messages: readonly ResourceMessage[]): Stack {
  const decode = (properties: object | undefined) =>
    runtime.unknownCheckingProxy(properties ? runtime.deserializeProperties(properties, false) : {});
  /** Decodes on first read, then keeps the value (each policy still gets the same proxy). */
  const lazily = <Value>(read: () => Value): (() => Value) => {
    let value: Value | undefined;
    let done = false;
    return () => {
      if (!done) {
        value = read();
        done = true;
      }
      return value as Value;
    };
  };
  const providers = new Map<string, NonNullable<PolicyResource["provider"]>>();
  const providerOf = (message: NonNullable<ReturnType<ResourceMessage["getProvider"]>>) => {
    const urn = message.getUrn();
    let provider = providers.get(urn);
    if (provider === undefined) {
      const props = lazily(() => decode(message.getProperties()));
      provider = {
        type: message.getType(),
        get props() {
          return props();
        },
        urn,
        name: message.getName(),
      };
      providers.set(urn, provider);
    }
    return provider;
  };
  const resources: PolicyResource[] = [];
  const byUrn = new Map<string, PolicyResource>();
  const resolve = (urns: readonly string[]) =>
    urns.flatMap((urn) => {
      const target = byUrn.get(urn);
      return target === undefined ? [] : [target];
    });
  for (const message of messages) {
    const type = message.getType();
    const props = lazily(() => decode(message.getProperties()));
    const options = message.getOptions();
    if (options === undefined) {
      throw new Error(
        "A more recent version of the Pulumi CLI is required (AnalyzeStack sent resources without options).",
      );
    }
    const opts = lazily((): PolicyResource["opts"] => {
      const timeouts = options.getCustomtimeouts();
      return {
        protect: options.getProtect(),
        ignoreChanges: options.getIgnorechangesList(),
        aliases: options.getAliasesList(),
        customTimeouts: {
          createSeconds: timeouts?.getCreate() ?? 0,
          updateSeconds: timeouts?.getUpdate() ?? 0,
          deleteSeconds: timeouts?.getDelete() ?? 0,
        },
        additionalSecretOutputs: options.getAdditionalsecretoutputsList(),
        ...(options.getDeletebeforereplacedefined()
          ? { deleteBeforeReplace: options.getDeletebeforereplace() }
          : {}),
        ...(options.getParent() ? { parent: options.getParent() } : {}),
      };
    });
    // Links to resources outside the request (none from the engine) are dropped, as the runtime does.
    const dependencies = lazily(() => resolve(message.getDependenciesList()));
    const propertyDependencies = lazily(() => {
      const links: Record<string, PolicyResource[]> = {};
      message.getPropertydependenciesMap().forEach((value, key) => {
        links[key] = resolve(value.getUrnsList());
      });
      return links;
    });
    const provider = message.getProvider();
    const resource: PolicyResource = {
      type,
      get props() {
        return props();
      },
      urn: message.getUrn(),
      name: message.getName(),
      get opts() {
        return opts();
      },
      get dependencies() {
        return dependencies();
      },
      get propertyDependencies() {
        return propertyDependencies();
      },
      isType: (resourceClass) => isOfType(runtime, type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isOfType(runtime, type, resourceClass) ? props() : undefined) as PolicyResource["asType"],
      ...(provider ? { provider: providerOf(provider) } : {}),
    };
    resources.push(resource);
    byUrn.set(resource.urn, resource);
  }
  messages.forEach((message, index) => {
    const parent = message.getParent() ? byUrn.get(message.getParent()) : undefined;
    if (parent !== undefined) {
      (resources[index] as { parent?: PolicyResource }).parent = parent;
    }
  });
  return indexedStack(resources);
}

/**
 * Wraps the runtime's `AnalyzeStack` handler so the stack is decoded and indexed once per call for all
 * stack policies.
 *
 * @pulumi/policy (1.21) rebuilds the whole resource list (a proxy, options, provider and links for every
 * resource) for each stack policy in turn: with our 7 stack policies that was most of an `AnalyzeStack`
 * and most of its garbage. Here the list is built once and handed to the policies through
 * `stackOf(args)` (an AsyncLocalStorage store, so concurrent calls never see each other's stack), and
 * the runtime is shown an empty list so it builds nothing. Everything else stays the runtime's: the
 * enforcement levels and config, violations, not-applicable reasons, unknown values and the response.
 *
 * Sound only for stack policies that read the stack through `stackOf` and carry no `__pulumiType` (the
 * runtime's type check would look at the empty list): `stackIsShareable` checks the second.
 */
export function sharedStackHandler<Call extends { request: StackRequest }, Done extends Callback>(
  original: (call: Call, callback: Done) => Promise<void>,
): (call: Call, callback: Done) => Promise<void> {
  const runtime = runtimeModules();
  return async (call, callback) => {
    let stack: Stack;
    try {
      stack = decodeStack(runtime, call.request.getResourcesList());
    } catch (error) {
      // The runtime's own answer to a request it cannot read: the call fails with the error.
      callback(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const request = Object.create(call.request, { getResourcesList: { value: () => [] } }) as StackRequest;
    const shownCall = Object.create(call, { request: { value: request } }) as Call;
    return current.run(stack, () => original(shownCall, callback));
  };
}

/**
 * Whether `sharedStackHandler` may serve these policies: none of their stack policies carries a
 * `__pulumiType` (the runtime's type check would look at the empty list it is shown).
 */
export function stackIsShareable(policies: readonly object[]): boolean {
  const runtime = runtimeModules();
  return !policies.some((policy) => {
    const validateStack = (policy as { validateStack?: unknown }).validateStack;
    return typeof validateStack === "function" && runtime.getPulumiType(validateStack) !== undefined;
  });
}
