import * as path from "node:path";
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { analyzeByType } from "./analyze-by-type";
import {
  lazyRequestDeserializers,
  type ProtocolModules,
  type RequestDeserializers,
} from "./request-decoding";
import {
  cachingResponseSerializer,
  type AnalyzeResponseClass,
  type AnalyzeResponseMessage,
} from "./response-encoding";
import { sharedStackHandler, stackIsShareable } from "./stack-once";

/**
 * How the pack's analyzer is served, made cheaper without changing an answer.
 *
 * @pulumi/policy (1.21) makes its gRPC handlers inside `serve` and registers them with `Server.addService`
 * of the @grpc/grpc-js it depends on. Those are the seams used here, the only places where its handlers
 * can be wrapped without changing its code: `serve` (which `new PolicyPack` calls through the module's
 * exports) says which pack is being served, and `addService`, called by it, receives the handlers and the
 * service's serializers. Only that one registration is changed; any other gRPC server is left alone.
 *
 * - Both requests: each resource's inputs are kept as bytes and decoded when read (request-decoding.ts).
 * - `Analyze`: each request is served by the runtime's own handler made for the policies that can judge
 *   its type (analyze-by-type.ts).
 * - `AnalyzeStack`: the stack is decoded and indexed once for all stack policies (stack-once.ts).
 * - Both responses: each not-applicable entry is encoded once (response-encoding.ts).
 *
 * The protocol tests check that the pack served this way answers every request of the policy corpus
 * exactly as the unwrapped runtime does.
 */

/** What `serve` is given by `new PolicyPack`: the pack's name, version and default level, and its args. */
interface ServedPack {
  readonly name: string;
  readonly version: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly policies: Policies;
}

type Handler = (call: { request: never }, callback: never) => Promise<void>;

interface MethodDefinition {
  requestDeserialize?: (buffer: Buffer) => unknown;
  responseSerialize?: (response: never) => Buffer;
}

interface RuntimeServer {
  serve?: (
    name: string,
    version: string,
    enforcementLevel: EnforcementLevel,
    args: { policies?: Policies },
    initialConfig: unknown,
  ) => void;
  makeAnalyzeRpcFun?: (
    name: string,
    version: string,
    enforcementLevel: EnforcementLevel,
    policies: Policies,
  ) => Handler;
}

interface GrpcServerPrototype {
  addService?: (service: Record<string, MethodDefinition>, implementation: Record<string, unknown>) => void;
}

/** Marks the patched functions, so installing twice (tests, the pack) patches once. */
const installed = Symbol.for("shop-guardrails.serving");

/** The pack being registered: set by the patched `serve` while the original runs. */
let serving: ServedPack | undefined;

function runtimeModules(): {
  server: RuntimeServer;
  grpc: GrpcServerPrototype | undefined;
  analyzerPb: unknown;
  requests: RequestDeserializers | undefined;
} {
  /* eslint-disable @typescript-eslint/no-require-imports, security/detect-non-literal-require */
  const server = require("@pulumi/policy/server") as RuntimeServer;
  // The runtime's own copies of grpc-js and the protocol messages (resolved from its directory, fixed
  // package names): ours may be others, and the messages' `instanceof` checks need the runtime's.
  const runtimeDir = path.dirname(require.resolve("@pulumi/policy/server"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [runtimeDir] })) as {
    Server?: { prototype: GrpcServerPrototype };
  };
  const analyzerPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [runtimeDir] });
  const analyzerPb = require(analyzerPath) as ProtocolModules["analyzer"] & { AnalyzeResponse?: unknown };
  // The google-protobuf those messages are built with (resolved from their directory, as they do).
  const fromProto = { paths: [path.dirname(analyzerPath)] };
  const jspb = require(require.resolve("google-protobuf", fromProto)) as ProtocolModules["jspb"];
  const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", fromProto)) as {
    Struct: ProtocolModules["Struct"];
  };
  /* eslint-enable @typescript-eslint/no-require-imports, security/detect-non-literal-require */
  return {
    server,
    grpc: grpc.Server?.prototype,
    analyzerPb: analyzerPb.AnalyzeResponse,
    requests: lazyRequestDeserializers({ analyzer: analyzerPb, Struct: structPb.Struct, jspb }),
  };
}

/** The service and handlers as registered for `pack`, with the four changes above. */
function served(
  pack: ServedPack,
  server: RuntimeServer,
  responseClass: unknown,
  requests: RequestDeserializers | undefined,
  service: Record<string, MethodDefinition>,
  implementation: Record<string, unknown>,
): { service: Record<string, MethodDefinition>; implementation: Record<string, unknown> } {
  const handlers = { ...implementation };
  const makeAnalyzeRpcFun = server.makeAnalyzeRpcFun;
  if (typeof handlers.analyze === "function" && typeof makeAnalyzeRpcFun === "function") {
    handlers.analyze = analyzeByType(pack.policies, (policies) =>
      makeAnalyzeRpcFun(pack.name, pack.version, pack.enforcementLevel, policies),
    );
  }
  if (typeof handlers.analyzeStack === "function" && stackIsShareable(pack.policies)) {
    handlers.analyzeStack = sharedStackHandler(handlers.analyzeStack as Handler);
  }
  const methods = { ...service };
  if (requests !== undefined) {
    for (const name of ["analyze", "analyzeStack"] as const) {
      const method = methods[name];
      if (typeof method?.requestDeserialize === "function") {
        methods[name] = { ...method, requestDeserialize: requests[name] };
      }
    }
  }
  if (typeof responseClass === "function") {
    for (const name of ["analyze", "analyzeStack"]) {
      const method = methods[name];
      if (typeof method?.responseSerialize === "function") {
        methods[name] = {
          ...method,
          responseSerialize: cachingResponseSerializer(
            responseClass as AnalyzeResponseClass<AnalyzeResponseMessage>,
            method.responseSerialize as (response: AnalyzeResponseMessage) => Buffer,
          ) as (response: never) => Buffer,
        };
      }
    }
  }
  return { service: methods, implementation: handlers };
}

/**
 * Installs the seams before `new PolicyPack` serves the pack. Returns false, leaving the runtime as it
 * is, when a later @pulumi/policy no longer has them.
 */
export function serveEfficiently(): boolean {
  const { server, grpc, analyzerPb, requests } = runtimeModules();
  const serve = server.serve;
  const addService = grpc?.addService;
  if (grpc === undefined || typeof serve !== "function" || typeof addService !== "function") {
    return false;
  }
  if (installed in serve) {
    return true;
  }
  server.serve = Object.assign(
    function (this: unknown, ...args: Parameters<NonNullable<RuntimeServer["serve"]>>) {
      const [name, version, enforcementLevel, packArgs] = args;
      serving = { name, version, enforcementLevel, policies: packArgs.policies ?? [] };
      try {
        return serve.apply(this, args);
      } finally {
        serving = undefined;
      }
    },
    { [installed]: true },
  );
  grpc.addService = Object.assign(
    function (
      this: unknown,
      service: Record<string, MethodDefinition>,
      implementation: Record<string, unknown>,
    ) {
      if (serving === undefined) {
        return addService.call(this, service, implementation);
      }
      const registered = served(serving, server, analyzerPb, requests, service, implementation);
      return addService.call(this, registered.service, registered.implementation);
    },
    { [installed]: true },
  );
  return true;
}

/**
 * The request deserializers the pack is served with (request-decoding.ts), or undefined when this
 * @pulumi/pulumi's messages have fields they do not know and the generated ones are kept.
 */
export function servedRequestDeserializers(): RequestDeserializers | undefined {
  return runtimeModules().requests;
}
