import * as fs from "node:fs";
import * as path from "node:path";
import {
  readStackConfig,
  runProgramUnderMocks,
  type ProgramRunOptions,
  type RecordedResource,
} from "../lib/program-under-mocks";
import {
  clearDeclarationSites,
  declarationSite,
  fallbackSite,
  repositoryRoot,
  type SourceLocation,
} from "./declaration-sites";
import type { EngineLogEntry } from "./fake-engine";
import { readPolicyConfigFile, reconcilePolicyConfig } from "./policy-config";
import { PolicyPackProcess } from "./policy-pack";
import { toAnalyzerResources } from "./recorded-resources";
import type { AnalyzerInfo, PolicyDiagnostic } from "./types";

export interface OfflinePreviewOptions {
  readonly stack: string;
  /** The policy pack directory. Default: `policies`. */
  readonly packDir?: string;
  /** `--policy-pack-config`. Default: `policies/config/<stack>.json` when it exists, else none. */
  readonly policyConfigFile?: string;
  /** Resources to add to the program's stack, e.g. an unsafe one in a test. */
  readonly afterProgram?: ProgramRunOptions["afterProgram"];
  /** A pack that is already running (benchmarks, tests); it is configured but not closed. */
  readonly pack?: PolicyPackProcess;
}

export interface PreviewResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly location: SourceLocation;
}

export interface LocatedDiagnostic extends PolicyDiagnostic {
  /** The resource the violation is about; undefined for a violation of the stack as a whole. */
  readonly resource?: PreviewResource;
  readonly location: SourceLocation;
}

export interface OfflinePreviewResult {
  readonly project: string;
  readonly stack: string;
  readonly pack: AnalyzerInfo & { readonly dir: string; readonly configFile?: string };
  readonly resources: readonly PreviewResource[];
  readonly diagnostics: readonly LocatedDiagnostic[];
  readonly mandatoryViolations: number;
  readonly engineLogs: readonly EngineLogEntry[];
  readonly timings: {
    readonly programMs: number;
    readonly packStartMs: number;
    readonly analyzeMs: number;
    readonly analyzeStackMs: number;
    readonly totalMs: number;
  };
}

/** The component types from a resource up to the stack, nearest first. */
function componentChain(resource: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string[] {
  const chain: string[] = [];
  for (let parent = resource.parent; parent; parent = byUrn.get(parent)?.parent) {
    const type = byUrn.get(parent)?.type;
    if (type && !type.startsWith("pulumi:")) {
      chain.push(type);
    }
  }
  return chain;
}

function defaultConfigFile(stack: string, packDir: string): string | undefined {
  const candidate = path.join(packDir, "config", `${stack}.json`);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/**
 * `pulumi preview --policy-pack` without the CLI, a cloud account or a state backend: runs the program
 * under mocks with the stack's config, starts the pack exactly as the CLI does, configures it from the
 * stack's policy config, sends every resource to `Analyze` and the whole stack to `AnalyzeStack`.
 */
export async function runOfflinePreview(options: OfflinePreviewOptions): Promise<OfflinePreviewResult> {
  const started = performance.now();
  const packDir = path.resolve(options.packDir ?? path.join(repositoryRoot, "policies"));
  const configFile = options.policyConfigFile ?? defaultConfigFile(options.stack, packDir);
  const project = readStackConfig(repositoryRoot, options.stack);

  clearDeclarationSites();
  const packStarting = options.pack
    ? Promise.resolve(options.pack)
    : PolicyPackProcess.start({
        packDir,
        project: project.project,
        stack: options.stack,
        stackConfig: project.config,
      });
  // Keep a failed start from surfacing as an unhandled rejection while the program still runs.
  packStarting.catch(() => undefined);
  const programStarted = performance.now();
  const run = await runProgramUnderMocks({
    stack: options.stack,
    program: path.join(__dirname, "traced-program.ts"),
    ...(options.afterProgram ? { afterProgram: options.afterProgram } : {}),
  }).catch(async (error: unknown) => {
    if (!options.pack) {
      await (await packStarting.catch(() => undefined))?.close();
    }
    throw error;
  });
  const programMs = performance.now() - programStarted;

  const pack = await packStarting;
  try {
    const defaults = await pack.getAnalyzerInfo();
    const config = reconcilePolicyConfig(defaults, configFile ? readPolicyConfigFile(configFile) : {});
    await pack.configure(config);
    // The levels this stack runs the policies at, for the SARIF rules and the JSON output.
    const info: AnalyzerInfo = {
      ...defaults,
      policies: defaults.policies.map((policy) => ({
        ...policy,
        enforcementLevel: config[policy.name].enforcementLevel,
      })),
    };

    const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
    const resources: PreviewResource[] = run.resources.map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      ...(resource.parent ? { parent: resource.parent } : {}),
      location:
        declarationSite(resource.type, resource.name) ?? fallbackSite(componentChain(resource, byUrn)),
    }));
    const previewByUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const analyzerResources = toAnalyzerResources(run.resources);

    const analyzeStarted = performance.now();
    const perResource = await pack.analyzeEach(analyzerResources.inputs);
    const analyzeMs = performance.now() - analyzeStarted;
    const stackStarted = performance.now();
    const stackResult = await pack.analyzeStack(analyzerResources.state);
    const analyzeStackMs = performance.now() - stackStarted;

    const locate = (diagnostic: PolicyDiagnostic, urn: string | undefined): LocatedDiagnostic => {
      const resource = urn ? previewByUrn.get(urn) : undefined;
      return {
        ...diagnostic,
        ...(resource ? { resource } : {}),
        location: resource?.location ?? fallbackSite([]),
      };
    };
    const diagnostics = [
      ...perResource.flatMap((result, index) =>
        result.diagnostics.map((diagnostic) =>
          locate(diagnostic, diagnostic.urn ?? analyzerResources.inputs[index].urn),
        ),
      ),
      ...stackResult.diagnostics.map((diagnostic) => locate(diagnostic, diagnostic.urn)),
    ];
    return {
      project: project.project,
      stack: options.stack,
      pack: {
        ...info,
        dir: path.relative(repositoryRoot, packDir) || ".",
        ...(configFile ? { configFile } : {}),
      },
      resources,
      diagnostics,
      mandatoryViolations: diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory")
        .length,
      engineLogs: [...pack.engine.logs],
      timings: {
        programMs,
        packStartMs: pack.startupMs,
        analyzeMs,
        analyzeStackMs,
        totalMs: performance.now() - started,
      },
    };
  } finally {
    if (!options.pack) {
      await pack.close();
    }
  }
}
