import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";

export interface EngineLogEntry {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

export interface FakeEngine {
  /** `127.0.0.1:<port>`, what the CLI passes a plugin as its engine address. */
  readonly address: string;
  readonly logs: readonly EngineLogEntry[];
  close(): Promise<void>;
}

const severities: Record<number, EngineLogEntry["severity"]> = {
  [engineproto.LogSeverity.DEBUG]: "debug",
  [engineproto.LogSeverity.INFO]: "info",
  [engineproto.LogSeverity.WARNING]: "warning",
  [engineproto.LogSeverity.ERROR]: "error",
};

/**
 * The part of the Pulumi engine's gRPC service a policy pack talks to: `Log`, which the SDK's `pulumi.log`
 * calls. Messages are kept for the preview to print; the root-resource calls answer empty.
 */
export async function startFakeEngine(): Promise<FakeEngine> {
  const logs: EngineLogEntry[] = [];
  const server = new grpc.Server();
  const implementation: enginerpc.IEngineServer = {
    log: (call, callback) => {
      logs.push({
        severity: severities[call.request.getSeverity()] ?? "info",
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new emptyproto.Empty());
    },
    getRootResource: (_call, callback) => callback(null, new engineproto.GetRootResourceResponse()),
    setRootResource: (_call, callback) => callback(null, new engineproto.SetRootResourceResponse()),
    startDebugging: (_call, callback) => callback(null, new emptyproto.Empty()),
    requirePulumiVersion: (_call, callback) => callback(null, new engineproto.RequirePulumiVersionResponse()),
  };
  server.addService(enginerpc.EngineService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
