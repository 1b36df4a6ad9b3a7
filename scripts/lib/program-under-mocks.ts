/**
 * Runs a Pulumi program in-process under `pulumi.runtime.setMocks` and returns everything it registered:
 * no Pulumi CLI, no cloud credentials, no state backend, no network.
 *
 * Used by the infrastructure tests (dev and prod, and single components), by the offline policy preview
 * (`npm run preview:offline`, which feeds `resources` to the policy pack) and by the benchmarks.
 *
 * ## API
 *
 * ```ts
 * runProgramUnderMocks(options: ProgramRunOptions): Promise<MockedRun>
 * runUnderMocks(body: () => StackOutputs | void | Promise<StackOutputs | void>, options?: MockRunOptions): Promise<MockedRun>
 * readStackConfig(projectDir: string, stack: string): StackConfig
 * listStackNames(projectDir: string): string[]
 * ```
 *
 * `runProgramUnderMocks` runs the project's program (`index.ts`) for one stack with the config the CLI
 * would give it: project defaults from the `config:` schema of `Pulumi.yaml`, then `Pulumi.<stack>.yaml`,
 * then `options.config`. `secure:` values become placeholder secrets (`[secret:<key>]`).
 *
 * ```ts
 * const dev = await runProgramUnderMocks({ stack: "dev" });
 * dev.resources.filter((r) => r.type === "aws:lambda/function:Function").map((r) => r.inputs.imageUri);
 * dev.outputs.apiUrl; // { value: "https://....execute-api.us-east-1.amazonaws.com/", secret: false }
 *
 * // Add resources to the same stack after the program, e.g. to show that a policy blocks them:
 * await runProgramUnderMocks({
 *   stack: "dev",
 *   afterProgram: () => {
 *     new aws.s3.BucketAcl("unsafe", { bucket: "b", acl: "public-read" });
 *   },
 * });
 * ```
 *
 * `runUnderMocks` runs any function inside a fresh mocked stack (a component test constructs one
 * component); what the function returns becomes the stack outputs.
 *
 * ## What a run returns
 *
 * Every registration in order, including the root `pulumi:pulumi:Stack`, providers and components:
 * `{ urn, type, name, custom, id, inputs, secretInputs, outputs, secretOutputs, parent, provider,
 * dependencies, propertyDependencies, read }`. `inputs` and `outputs` are plain values (secrets unwrapped,
 * their top-level keys listed in `secretInputs`/`secretOutputs`); a provider's object-valued inputs stay
 * JSON strings, as the SDK sends them. `provider` is the provider reference (`<provider urn>::<id>`) when
 * one was set explicitly or inherited from a parent (resources on a default provider have none under
 * mocks). Stack outputs come back as `{ value, secret }`. `invokes` lists every provider function call
 * with its inputs.
 *
 * The mocks (fake-cloud/cloud.ts) return realistic ids, ARNs and computed attributes per type,
 * render `aws.iam.getPolicyDocument` statements into the JSON AWS would receive, and honour
 * `additionalSecretOutputs` the way the engine does (a RandomPassword's `result` is a secret).
 *
 * ## Running more than once in one process
 *
 * Runs are serialised (the Pulumi runtime is process-global state) and each one starts from scratch:
 * `setMocks` resets the runtime, the config map is replaced, and before the program is loaded again the
 * program module and every project module in its require graph (its components, the app modules they
 * import; never node_modules or this library) are evicted from the require cache. So `index.ts` is
 * evaluated anew against the new stack's config, whether it exports a function (called, as the Pulumi
 * language host does) or declares its resources at module level. On the first run, project modules the
 * caller had already imported are shared with the program; the caller's other modules are never touched.
 * Mocks that a caller installed before a run (a test file calling `setMocks` at import time) are
 * reinstalled afterwards, with the previous config values.
 *
 * A run fails (rejects) when the program throws, when a resource registration fails, or when a promise
 * is rejected unhandled while the program runs; it never returns a partial picture silently.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  defaultMockIdentity,
  MockCloud,
  type InvokeHandler,
  type MockIdentity,
} from "../../fake-cloud/cloud";
import { listStackNames, readStackConfig, type StackConfig } from "./pulumi-project-files";

export { listStackNames, readStackConfig, type StackConfig };
export { defaultMockIdentity, type InvokeHandler, type MockIdentity };

/** One resource registration as the engine would have seen it. */
export interface RecordedResource {
  readonly urn: string;
  /** Type token, e.g. `aws:lambda/function:Function` or `shop:api:ApiService`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** True for provider-managed resources, false for components and the root stack. */
  readonly custom: boolean;
  readonly id?: string;
  /** Inputs with secrets unwrapped; unknown values (preview only) are `undefined`. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Top-level input keys whose value was a secret. */
  readonly secretInputs: readonly string[];
  /** State returned by the mocks (custom resources) or registered outputs (components). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Top-level output keys whose value is a secret. */
  readonly secretOutputs: readonly string[];
  readonly parent?: string;
  /** Provider reference `<provider urn>::<provider id>`. */
  readonly provider?: string;
  /** URNs this resource depends on (explicit `dependsOn` and every input's dependencies). */
  readonly dependencies: readonly string[];
  /** Per input property, the URNs its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** True when the resource was read (`Resource.get`) rather than registered. */
  readonly read: boolean;
}

export interface StackOutput {
  readonly value: unknown;
  readonly secret: boolean;
}

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface MockedRun {
  readonly project: string;
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Readonly<Record<string, StackOutput>>;
  readonly invokes: readonly RecordedInvoke[];
}

export type StackOutputs = Record<string, unknown>;

export interface MockRunOptions {
  /** Project name. Default: "project". */
  readonly project?: string;
  /** Stack name. Default: "stack". */
  readonly stack?: string;
  /** Config values (`namespace:key`; objects and arrays are passed as JSON). Default: none. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Config keys to mark secret. Default: none. */
  readonly secretConfigKeys?: readonly string[];
  /** Account, region and partition of the mock cloud. Default: 123456789012 in `aws:region` (or us-east-1). */
  readonly identity?: Partial<MockIdentity>;
  /** Answers for invoke tokens the built-in mocks do not know, or replacements for ones they do. */
  readonly invokes?: Readonly<Record<string, InvokeHandler>>;
  /** Run as a preview (unknown values stay unknown). Default: false, like `pulumi up`. */
  readonly preview?: boolean;
}

export interface AfterProgramContext {
  readonly project: string;
  readonly stack: string;
  /** The program's stack outputs, unresolved, as the program returned them. */
  readonly outputs: StackOutputs;
}

export interface ProgramRunOptions {
  /** Stack whose `Pulumi.<stack>.yaml` supplies the config. Required. */
  readonly stack: string;
  /** Directory holding Pulumi.yaml. Default: the repository root. */
  readonly projectDir?: string;
  /** Program entry point. Default: `<projectDir>/index.ts`. */
  readonly program?: string;
  /** Config values laid over the stack file (`namespace:key`, or a bare key for the project namespace). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Runs inside the same stack after the program, e.g. to add resources. Default: none. */
  readonly afterProgram?: (context: AfterProgramContext) => void | Promise<void>;
  readonly identity?: Partial<MockIdentity>;
  readonly invokes?: Readonly<Record<string, InvokeHandler>>;
  readonly preview?: boolean;
}

const repositoryRoot = path.resolve(__dirname, "..", "..");
const libraryDir = __dirname;
const moduleLoader = createRequire(__filename);

/** The slice of the SDK's MockMonitor this module instruments (its methods take gRPC request objects). */
interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}
interface RegisterRequest extends MonitorRequest {
  getCustom(): boolean;
  getObject(): Struct | undefined;
  getAdditionalsecretoutputsList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
}
interface ReadRequest extends MonitorRequest {
  getId(): string;
  getProperties(): Struct | undefined;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): Struct | undefined;
  setObject(value: Struct): void;
}
interface ReadResponse {
  getUrn(): string;
  getProperties(): Struct | undefined;
}
type Callback<T> = (error: unknown, response: T | undefined) => void;
interface InstrumentableMonitor {
  mocks?: pulumi.runtime.Mocks;
  registerResource(request: RegisterRequest, callback: Callback<RegisterResponse>): unknown;
  readResource(request: ReadRequest, callback: Callback<ReadResponse>): unknown;
  registerResourceOutputs(request: OutputsRequest, callback: Callback<unknown>): unknown;
}

type MutableRecord = { -readonly [K in keyof RecordedResource]: RecordedResource[K] };

const ownMonitors = new WeakSet<object>();
let runQueue: Promise<unknown> = Promise.resolve();

/** Runs tasks one after another: the Pulumi runtime holds one program's state per process. */
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const result = runQueue.then(task, task);
  runQueue = result.catch(() => undefined);
  return result;
}

/** Splits deserialized properties into plain values and the keys that were secret. */
function unwrapProperties(properties: Record<string, unknown>): {
  values: Record<string, unknown>;
  secretKeys: string[];
} {
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (pulumi.runtime.isRpcSecret(value)) secretKeys.push(key);
    values[key] = stripSpecialValues(pulumi.runtime.unwrapRpcSecret(value));
  }
  return { values, secretKeys };
}

/** Replaces the runtime's unknown-value sentinel (previews only) with `undefined`, recursively. */
function stripSpecialValues(value: unknown): unknown {
  if (pulumi.Output.isInstance(value) || value === pulumi.runtime.unknownValue) return undefined;
  if (Array.isArray(value)) return value.map(stripSpecialValues);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripSpecialValues(v)]));
  }
  return value;
}

function deserialize(struct: Struct | undefined): Record<string, unknown> {
  return struct ? (pulumi.runtime.deserializeProperties(struct) as Record<string, unknown>) : {};
}

/** Marks the outputs a resource declares as `additionalSecretOutputs` secret, as the engine does. */
function applyAdditionalSecretOutputs(request: RegisterRequest, response: RegisterResponse): void {
  const secretOutputs = request.getAdditionalsecretoutputsList();
  const state = response.getObject()?.toJavaScript();
  if (!state || secretOutputs.length === 0) return;
  for (const key of secretOutputs) {
    if (key in state && !pulumi.runtime.isRpcSecret(state[key])) {
      state[key] = {
        [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
        value: state[key],
      } as never;
    }
  }
  response.setObject(Struct.fromJavaScript(state));
}

function recordOf(
  request: MonitorRequest,
  urn: string,
  id: string | undefined,
  inputs: Struct | undefined,
  state: Struct | undefined,
) {
  const input = unwrapProperties(deserialize(inputs));
  const output = unwrapProperties(deserialize(state));
  const record: MutableRecord = {
    urn,
    type: request.getType(),
    name: request.getName(),
    custom: true,
    id: id || undefined,
    inputs: input.values,
    secretInputs: input.secretKeys,
    outputs: output.values,
    secretOutputs: output.secretKeys,
    parent: request.getParent() || undefined,
    provider: request.getProvider() || undefined,
    dependencies: request.getDependenciesList(),
    propertyDependencies: {},
    read: false,
  };
  return record;
}

/** Wraps the mock monitor so every registration is recorded with the request's full metadata. */
function instrument(monitor: InstrumentableMonitor, records: MutableRecord[]): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error && response) {
        applyAdditionalSecretOutputs(request, response);
        const record = recordOf(
          request,
          response.getUrn(),
          response.getId(),
          request.getObject(),
          response.getObject(),
        );
        record.custom = request.getCustom();
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value, key) => {
          if (value.getUrnsList().length > 0) propertyDependencies[key] = value.getUrnsList();
        });
        record.propertyDependencies = propertyDependencies;
        if (!record.custom) {
          record.outputs = {};
          record.secretOutputs = [];
        }
        records.push(record);
      }
      callback(error, response);
    });

  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (request, callback) =>
    read(request, (error, response) => {
      if (!error && response) {
        const record = recordOf(
          request,
          response.getUrn(),
          request.getId(),
          request.getProperties(),
          response.getProperties(),
        );
        record.read = true;
        records.push(record);
      }
      callback(error, response);
    });

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    const record = records.find((r) => r.urn === request.getUrn());
    if (record && !record.custom) {
      const output = unwrapProperties(deserialize(request.getOutputs()));
      record.outputs = output.values;
      record.secretOutputs = output.secretKeys;
    }
    return registerOutputs(request, callback);
  };
}

/** Resolves one stack output through the SDK's own serializer, which reports secrets and unknowns. */
async function settleOutput(value: unknown): Promise<StackOutput> {
  const serialized: unknown = await pulumi.runtime.serializeProperty(
    "stack output",
    value as pulumi.Input<unknown>,
    new Set(),
    {
      keepOutputValues: false,
    },
  );
  let secret = false;
  const unwrap = (node: unknown): unknown => {
    if (node === pulumi.runtime.unknownValue) return undefined;
    if (pulumi.runtime.isRpcSecret(node)) {
      secret = true;
      return unwrap(pulumi.runtime.unwrapRpcSecret(node));
    }
    if (Array.isArray(node)) return node.map(unwrap);
    if (node !== null && typeof node === "object") {
      const object = node as Record<string, unknown>;
      if (object[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) return object.urn;
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, unwrap(v)]));
    }
    return node;
  };
  const plain = unwrap(serialized);
  return { value: plain, secret };
}

interface RuntimeSnapshot {
  readonly monitor: InstrumentableMonitor | undefined;
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  readonly config: Record<string, string>;
}

function snapshotRuntime(): RuntimeSnapshot {
  return {
    monitor: pulumi.runtime.getMonitor() as unknown as InstrumentableMonitor | undefined,
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    preview: pulumi.runtime.isDryRun(),
    config: pulumi.runtime.allConfig(),
  };
}

async function restoreRuntime(snapshot: RuntimeSnapshot): Promise<void> {
  pulumi.runtime.setAllConfig(snapshot.config);
  const foreignMocks =
    snapshot.monitor && !ownMonitors.has(snapshot.monitor) ? snapshot.monitor.mocks : undefined;
  if (foreignMocks)
    await pulumi.runtime.setMocks(foreignMocks, snapshot.project, snapshot.stack, snapshot.preview);
}

interface ExecuteSettings {
  readonly project: string;
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  readonly identity: MockIdentity;
  readonly invokes: Readonly<Record<string, InvokeHandler>>;
  readonly preview: boolean;
}

async function execute(
  body: () => StackOutputs | void | Promise<StackOutputs | void>,
  settings: ExecuteSettings,
): Promise<MockedRun> {
  const snapshot = snapshotRuntime();
  const records: MutableRecord[] = [];
  const invokes: RecordedInvoke[] = [];
  const cloud = new MockCloud(settings.identity, settings.invokes);
  const failures: unknown[] = [];
  const onUnhandledRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onUnhandledRejection);
  try {
    pulumi.runtime.setAllConfig({ ...settings.config }, [...settings.secretKeys]);
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => cloud.newResource(args),
        call: (args) => {
          invokes.push({ token: args.token, inputs: (args.inputs ?? {}) as Record<string, unknown> });
          return cloud.call(args);
        },
      },
      settings.project,
      settings.stack,
      settings.preview,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as InstrumentableMonitor;
    ownMonitors.add(monitor);
    instrument(monitor, records);

    let programOutputs: StackOutputs = {};
    await pulumi.runtime.runInPulumiStack(async () => {
      programOutputs = (await body()) ?? {};
      return programOutputs;
    });
    await pulumi.runtime.disconnect();

    const outputs: Record<string, StackOutput> = {};
    for (const [key, value] of Object.entries(programOutputs)) outputs[key] = await settleOutput(value);
    // Node reports a rejection nobody handled only once the microtask queue is empty: let it.
    await new Promise((resolve) => setImmediate(resolve));
    if (failures.length > 0 || pulumi.log.hasErrors()) {
      const messages = [...new Set(failures.map((f) => (f instanceof Error ? f.message : String(f))))];
      throw new Error(
        `the program failed under mocks:\n${messages.join("\n") || "an error was logged (see stderr)"}`,
      );
    }
    return {
      project: settings.project,
      stack: settings.stack,
      config: settings.config,
      resources: records,
      outputs,
      invokes,
    };
  } catch (error) {
    // The SDK rejects internal copies of a failed promise too; absorb them before the listener goes away.
    await new Promise((resolve) => setImmediate(resolve));
    throw error;
  } finally {
    process.off("unhandledRejection", onUnhandledRejection);
    await restoreRuntime(snapshot);
  }
}

function identityFor(
  config: Readonly<Record<string, string>>,
  identity: Partial<MockIdentity> | undefined,
): MockIdentity {
  return { ...defaultMockIdentity, region: config["aws:region"] ?? defaultMockIdentity.region, ...identity };
}

const asConfigValue = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** Runs `body` inside a fresh mocked stack; its return value becomes the stack outputs. */
export function runUnderMocks(
  body: () => StackOutputs | void | Promise<StackOutputs | void>,
  options: MockRunOptions = {},
): Promise<MockedRun> {
  const config = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([k, v]) => [k, asConfigValue(v)]),
  );
  return exclusive(() =>
    execute(body, {
      project: options.project ?? "project",
      stack: options.stack ?? "stack",
      config,
      secretKeys: options.secretConfigKeys ?? [],
      identity: identityFor(config, options.identity),
      invokes: options.invokes ?? {},
      preview: options.preview ?? false,
    }),
  );
}

/**
 * Drops the program and every project module in its require graph (as Node recorded it when the program
 * was last loaded) from the require cache, so the next load evaluates them again. Dependencies in
 * node_modules and this library stay loaded.
 */
function evictProgramModules(programPath: string, projectDir: string): void {
  const isProjectModule = (file: string) =>
    file.startsWith(projectDir + path.sep) &&
    !file.includes(`${path.sep}node_modules${path.sep}`) &&
    !file.startsWith(libraryDir + path.sep);
  const graph = new Set<string>();
  const visit = (file: string) => {
    const loaded = moduleLoader.cache[file];
    if (!loaded || graph.has(file) || !isProjectModule(file)) return;
    graph.add(file);
    for (const child of loaded.children) visit(child.id);
  };
  visit(programPath);
  for (const file of graph) delete moduleLoader.cache[file];
}

/** Loads the program as the Pulumi language host does: a module exporting a function is called. */
async function runProgramModule(programPath: string, projectDir: string): Promise<StackOutputs> {
  evictProgramModules(programPath, projectDir);
  const exported: unknown = moduleLoader(programPath);
  const outputs: unknown = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  if (outputs === undefined || outputs === null) return {};
  if (typeof outputs !== "object")
    throw new Error(`${programPath} must export an object of stack outputs or a function returning one`);
  return Object.fromEntries(Object.entries(outputs).filter(([key]) => key !== "__esModule"));
}

/** Runs the project's Pulumi program for one stack under mocks. */
export function runProgramUnderMocks(options: ProgramRunOptions): Promise<MockedRun> {
  const projectDir = path.resolve(options.projectDir ?? repositoryRoot);
  const programPath = path.resolve(options.program ?? path.join(projectDir, "index.ts"));
  const stackConfig = readStackConfig(projectDir, options.stack);
  const config: Record<string, string> = { ...stackConfig.config };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key.includes(":") ? key : `${stackConfig.project}:${key}`] = asConfigValue(value);
  }
  return exclusive(() =>
    execute(
      async () => {
        const outputs = await runProgramModule(programPath, projectDir);
        await options.afterProgram?.({ project: stackConfig.project, stack: options.stack, outputs });
        return outputs;
      },
      {
        project: stackConfig.project,
        stack: options.stack,
        config,
        secretKeys: stackConfig.secretKeys,
        identity: identityFor(config, options.identity),
        invokes: options.invokes ?? {},
        preview: options.preview ?? false,
      },
    ),
  );
}
