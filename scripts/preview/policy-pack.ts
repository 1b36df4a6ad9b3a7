import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import {
  fromAnalyzeResponse,
  fromAnalyzerInfo,
  toAnalyzeRequest,
  toAnalyzeStackRequest,
  toConfigureRequest,
} from "./analyzer-messages";
import { startFakeEngine, type FakeEngine } from "./fake-engine";
import type { AnalyzedResource, AnalyzeResult, AnalyzerInfo, PolicyConfig } from "./types";

export interface StartPolicyPackOptions {
  /** The policy pack directory, as given to `--policy-pack`. */
  readonly packDir: string;
  /** What the CLI tells the pack about the stack (PULUMI_PROJECT, PULUMI_STACK, PULUMI_CONFIG). */
  readonly project?: string;
  readonly stack?: string;
  readonly stackConfig?: Readonly<Record<string, string>>;
  /** How long the pack may take to print its port; the first start type-checks it with ts-node. */
  readonly startTimeoutMs?: number;
}

/** The environment the CLI gives an analyzer plugin (pkg/resource/plugin/analyzer_plugin.go, constructEnv). */
function cliEnvironment(options: StartPolicyPackOptions, engine: FakeEngine): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_DRY_RUN: "true", PULUMI_NODEJS_DRY_RUN: "true" };
  if (options.project) {
    env.PULUMI_PROJECT = env.PULUMI_NODEJS_PROJECT = options.project;
  }
  if (options.stack) {
    env.PULUMI_STACK = env.PULUMI_NODEJS_STACK = options.stack;
  }
  if (options.stackConfig) {
    env.PULUMI_CONFIG = JSON.stringify(options.stackConfig);
  }
  // run-policy-pack drops its engine-address argument; the SDK's `pulumi.log` dials this variable instead.
  // Pointing it at the fake engine makes the pack's log calls succeed and lets the preview show them.
  env.PULUMI_NODEJS_ENGINE = engine.address;
  return env;
}

/** The Analyzer methods that judge resources, by their gRPC paths. */
const analyzerMethods = {
  Analyze: "/pulumirpc.Analyzer/Analyze",
  AnalyzeStack: "/pulumirpc.Analyzer/AnalyzeStack",
} as const;

export type JudgingMethod = keyof typeof analyzerMethods;

/** The wire form of `Analyze` requests, one per resource, for `PolicyPackProcess.exchangeEncoded`. */
export function encodeAnalyzeRequests(resources: readonly AnalyzedResource[]): Uint8Array[] {
  return resources.map((resource) => toAnalyzeRequest(resource).serializeBinary());
}

/** The wire form of one `AnalyzeStack` request for the whole stack, for `PolicyPackProcess.exchangeEncoded`. */
export function encodeAnalyzeStackRequest(resources: readonly AnalyzedResource[]): Uint8Array {
  return toAnalyzeStackRequest(resources).serializeBinary();
}

/** An `AnalyzeResponse` as `exchangeEncoded` returns it, read into diagnostics and not-applicable policies. */
export function decodeAnalyzeResponse(bytes: Uint8Array): AnalyzeResult {
  return fromAnalyzeResponse(analyzerproto.AnalyzeResponse.deserializeBinary(bytes));
}

/** Runs `task` for indexes 0..count-1 with at most `concurrency` running at once; results in index order. */
async function inFlight<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function unary<Response>(start: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error ? reject(error) : resolve(response)));
  });
}

/**
 * A policy pack started the way `pulumi preview --policy-pack <dir>` starts it, and a client for its
 * Analyzer gRPC service.
 *
 * The CLI runs `pulumi-analyzer-policy <engine-address> .` in the pack directory; that script resolves
 * `@pulumi/pulumi/cmd/run-policy-pack` from there and runs it with node, which registers ts-node (reading
 * the pack's tsconfig.json), loads the pack and prints the port of the Analyzer server on stdout.
 */
export class PolicyPackProcess {
  /** Milliseconds from spawning the process until it printed its port. */
  readonly startupMs: number;
  /** Everything the pack wrote after the port, stdout and stderr, for the preview to show. */
  readonly output: string[];

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerrpc.AnalyzerClient,
    readonly engine: FakeEngine,
    startupMs: number,
    output: string[],
  ) {
    this.startupMs = startupMs;
    this.output = output;
  }

  static async start(options: StartPolicyPackOptions): Promise<PolicyPackProcess> {
    const packDir = path.resolve(options.packDir);
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const engine = await startFakeEngine();
    const started = performance.now();
    const child = spawn(process.execPath, [runPolicyPack, engine.address, "."], {
      cwd: packDir,
      env: cliEnvironment(options, engine),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    try {
      const port = await readPort(child, output, options.startTimeoutMs ?? 60_000);
      const startupMs = performance.now() - started;
      const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
      });
      return new PolicyPackProcess(child, client, engine, startupMs, output);
    } catch (error) {
      child.kill("SIGKILL");
      await engine.close();
      throw error;
    }
  }

  async getAnalyzerInfo(): Promise<AnalyzerInfo> {
    const info = await unary<analyzerproto.AnalyzerInfo>((done) =>
      this.client.getAnalyzerInfo(new emptyproto.Empty(), done),
    );
    return fromAnalyzerInfo(info);
  }

  async getPluginInfo(): Promise<{ version: string }> {
    const info = await unary<pluginproto.PluginInfo>((done) =>
      this.client.getPluginInfo(new emptyproto.Empty(), done),
    );
    return { version: info.getVersion() };
  }

  async configure(config: Readonly<Record<string, PolicyConfig>>): Promise<void> {
    const request = toConfigureRequest(config);
    await unary<emptyproto.Empty>((done) => this.client.configure(request, done));
  }

  async analyze(resource: AnalyzedResource): Promise<AnalyzeResult> {
    const request = toAnalyzeRequest(resource);
    return fromAnalyzeResponse(
      await unary<analyzerproto.AnalyzeResponse>((done) => this.client.analyze(request, done)),
    );
  }

  /** `Analyze` for every resource, `concurrency` calls in flight (the engine analyzes resources as they come). */
  async analyzeEach(resources: readonly AnalyzedResource[], concurrency = 32): Promise<AnalyzeResult[]> {
    return inFlight(resources.length, concurrency, (index) => this.analyze(resources[index]));
  }

  /**
   * Sends requests already encoded (see `encodeAnalyzeRequests`, `encodeAnalyzeStackRequest`) and returns
   * the responses as received (see `decodeAnalyzeResponse`). The engine encodes and decodes in Go at a small
   * fraction of this client's cost; measuring the pack's own throughput means leaving that protobuf work out
   * of the timed part, so only the pack's work and the HTTP/2 exchange remain in it.
   */
  async exchangeEncoded(
    method: JudgingMethod,
    requests: readonly Uint8Array[],
    concurrency = 32,
  ): Promise<Buffer[]> {
    return inFlight(requests.length, concurrency, (index) =>
      unary<Buffer>((done) =>
        this.client.makeUnaryRequest(
          analyzerMethods[method],
          (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          (response: Buffer) => response,
          requests[index],
          (error, response) => done(error, response as Buffer),
        ),
      ),
    );
  }

  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<AnalyzeResult> {
    const request = toAnalyzeStackRequest(resources);
    return fromAnalyzeResponse(
      await unary<analyzerproto.AnalyzeResponse>((done) => this.client.analyzeStack(request, done)),
    );
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    await this.engine.close();
  }
}

/** Waits for the first stdout line, the port, collecting the rest of the output for diagnostics. */
function readPort(child: ChildProcess, output: string[], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let port: number | undefined;
    const timer = setTimeout(
      () => fail(new Error(`the policy pack did not print its port within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\n${output.join("")}`.trimEnd()));
    };
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (port !== undefined) {
        output.push(chunk);
        return;
      }
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline >= 0) {
        port = Number(stdout.slice(0, newline).trim());
        output.push(stdout.slice(newline + 1));
        clearTimeout(timer);
        if (Number.isInteger(port) && port > 0) {
          resolve(port);
        } else {
          fail(new Error(`the policy pack printed "${stdout.slice(0, newline)}" instead of a port`));
        }
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => output.push(chunk));
    child.once("error", fail);
    child.once("exit", (code, signal) => {
      if (port === undefined) {
        fail(new Error(`the policy pack exited (${signal ?? `code ${code}`}) before printing its port`));
      }
    });
  });
}
