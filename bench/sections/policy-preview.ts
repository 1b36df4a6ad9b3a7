/**
 * 5. Offline preview of each stack (the `npm run preview:offline` CLI, wall time) and the policy pack's
 * throughput over the analyzer protocol for synthetic stacks of 1,000 and 10,000 resources. Both use the
 * policy engineer's modules as they are: the pack is started the way the Pulumi CLI starts it, over gRPC.
 */
import path from "node:path";
import { listStackNames, readStackConfig, runProgramUnderMocks } from "../../scripts/lib/program-under-mocks";
import { readPolicyConfigFile, reconcilePolicyConfig } from "../../scripts/preview/policy-config";
import {
  PolicyPackProcess,
  decodeAnalyzeResponse,
  encodeAnalyzeRequests,
  encodeAnalyzeStackRequest,
} from "../../scripts/preview/policy-pack";
import { toAnalyzerResources } from "../../scripts/preview/recorded-resources";
import type { AnalyzedResource } from "../../scripts/preview/types";
import { figure, type Figure, type SectionResult } from "../lib/figures";
import { loadAverage } from "../lib/machine";
import { runToExit } from "../lib/processes";
import { summarize } from "../lib/stats";

const repositoryRoot = path.resolve(__dirname, "..", "..");

interface PreviewJson {
  readonly changeSummary: { create: number };
  readonly summary: { mandatory: number; advisory: number; passed: boolean };
  readonly timings: {
    programMs: number;
    packStartMs: number;
    analyzeMs: number;
    analyzeStackMs: number;
    totalMs: number;
  };
}

async function previewStack(stack: string): Promise<{ wallMs: number; json: PreviewJson }> {
  const finished = await runToExit(
    process.execPath,
    [require.resolve("tsx/cli"), "scripts/preview-offline.ts", "--stack", stack, "--json"],
    {
      cwd: repositoryRoot,
      env: process.env,
      timeoutMs: 180_000,
    },
  );
  // Exit 1 means the preview ran and found a mandatory violation: still a preview, and it is reported.
  if (finished.code !== 0 && finished.code !== 1)
    throw new Error(`preview of ${stack} failed (${finished.code}):\n${finished.stderr}`);
  return { wallMs: finished.wallMs, json: JSON.parse(finished.stdout) as PreviewJson };
}

async function offlinePreviews(
  runsPerStack: (stack: string) => number,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const stack of listStackNames(repositoryRoot)) {
    const runs: { wallMs: number; json: PreviewJson }[] = [];
    for (let i = 0; i < runsPerStack(stack); i++) runs.push(await previewStack(stack));
    const timing = (key: keyof PreviewJson["timings"]) =>
      summarize(runs.map((r) => r.json.timings[key] / 1000));
    figures.push(
      figure({
        id: `preview.${stack}.wallSeconds`,
        label: `\`npm run preview:offline -- --stack ${stack}\` (${runs[0].json.changeSummary.create} resources, wall)`,
        unit: "s",
        summary: summarize(runs.map((r) => r.wallMs / 1000)),
        ...(stack === "dev" ? { target: { comparison: "<=" as const, value: 10 } } : {}),
      }),
    );
    details[stack] = {
      resources: runs[0].json.changeSummary.create,
      mandatoryViolations: runs[0].json.summary.mandatory,
      advisoryViolations: runs[0].json.summary.advisory,
      seconds: {
        program: timing("programMs"),
        packStart: timing("packStartMs"),
        analyze: timing("analyzeMs"),
        analyzeStack: timing("analyzeStackMs"),
        total: timing("totalMs"),
      },
    };
  }
  return { figures, details };
}

/** `count` resources made of copies of the dev stack, each copy's URNs (and references to them) made unique. */
function syntheticStack(template: readonly AnalyzedResource[], count: number): AnalyzedResource[] {
  const resources: AnalyzedResource[] = [];
  for (let copy = 0; resources.length < count; copy++) {
    const rename = (urn: string) => `${urn}-${copy}`;
    for (const resource of template) {
      if (resources.length === count) break;
      resources.push({
        ...resource,
        urn: rename(resource.urn),
        name: `${resource.name}-${copy}`,
        ...(resource.parent ? { parent: rename(resource.parent) } : {}),
        dependencies: resource.dependencies?.map(rename),
        propertyDependencies: Object.fromEntries(
          Object.entries(resource.propertyDependencies ?? {}).map(([key, urns]) => [key, urns.map(rename)]),
        ),
      });
    }
  }
  return resources;
}

/** Calls in flight: enough to keep both the pack and this client busy on two cores. */
const ANALYZE_IN_FLIGHT = 64;

const WARM_UP_PASSES = 3;

async function packThroughput(
  sizes: readonly { resources: number; runs: number }[],
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const project = readStackConfig(repositoryRoot, "dev");
  const packDir = path.join(repositoryRoot, "policies");
  const starting = PolicyPackProcess.start({
    packDir,
    project: project.project,
    stack: "dev",
    stackConfig: project.config,
  });
  starting.catch(() => undefined);
  const template = toAnalyzerResources((await runProgramUnderMocks({ stack: "dev" })).resources);
  const pack = await starting;
  try {
    const info = await pack.getAnalyzerInfo();
    await pack.configure(
      reconcilePolicyConfig(info, readPolicyConfigFile(path.join(packDir, "config", "dev.json"))),
    );
    // Unrecorded passes of the smaller size first: the figure is the pack's steady throughput, and over the
    // first few thousand calls the JIT is still compiling (the first pass of 1,000 ran at about half speed).
    const warmUpInputs = encodeAnalyzeRequests(syntheticStack(template.inputs, sizes[0].resources));
    const warmUpState = encodeAnalyzeStackRequest(syntheticStack(template.state, sizes[0].resources));
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
      await pack.exchangeEncoded("Analyze", warmUpInputs, ANALYZE_IN_FLIGHT);
      await pack.exchangeEncoded("AnalyzeStack", [warmUpState]);
    }

    const figures: Figure[] = [];
    const details: Record<string, unknown> = { packStartMs: pack.startupMs, policies: info.policies.length };
    for (const size of sizes) {
      // Encoded before the clock starts and decoded after it stops: the engine does that protobuf work in
      // Go, so it is not the pack's cost.
      const inputs = encodeAnalyzeRequests(syntheticStack(template.inputs, size.resources));
      const state = encodeAnalyzeStackRequest(syntheticStack(template.state, size.resources));
      const analyze: number[] = [];
      const analyzeStack: number[] = [];
      let diagnostics = 0;
      for (let i = 0; i < size.runs; i++) {
        const started = performance.now();
        const responses = await pack.exchangeEncoded("Analyze", inputs, ANALYZE_IN_FLIGHT);
        analyze.push(performance.now() - started);
        const stackStarted = performance.now();
        const [stackResponse] = await pack.exchangeEncoded("AnalyzeStack", [state]);
        analyzeStack.push(performance.now() - stackStarted);
        diagnostics = [...responses, stackResponse]
          .map(decodeAnalyzeResponse)
          .reduce((sum, result) => sum + result.diagnostics.length, 0);
      }
      const label = `${size.resources.toLocaleString("en-US")} resources`;
      figures.push(
        figure({
          id: `policy.${size.resources}.resourcesPerSecond`,
          label: `Policy pack, ${label}: \`Analyze\` each + one \`AnalyzeStack\``,
          unit: "resources/s",
          summary: summarize(analyze.map((ms, i) => size.resources / ((ms + analyzeStack[i]) / 1000))),
          target: { comparison: ">=", value: 2000 },
        }),
        figure({
          id: `policy.${size.resources}.analyzePerSecond`,
          label: `Policy pack, ${label}: \`Analyze\` alone`,
          unit: "resources/s",
          summary: summarize(analyze.map((ms) => size.resources / (ms / 1000))),
        }),
        figure({
          id: `policy.${size.resources}.analyzeStackMs`,
          label: `Policy pack, ${label}: one \`AnalyzeStack\` of them all`,
          unit: "ms",
          summary: summarize(analyzeStack),
        }),
      );
      details[size.resources] = { analyzeMs: analyze, analyzeStackMs: analyzeStack, diagnostics };
    }
    return { figures, details };
  } finally {
    await pack.close();
  }
}

export async function policyAndPreview(): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  const previews = await offlinePreviews((stack) => (stack === "dev" ? 3 : 2));
  const throughput = await packThroughput([
    { resources: 1_000, runs: 5 },
    { resources: 10_000, runs: 3 },
  ]);
  return {
    title: "Offline preview and policy-pack throughput",
    method:
      "Each stack previewed by the CLI the merge-request job runs (`tsx scripts/preview-offline.ts --stack <name> --json`, a fresh process each time: program under mocks, pack started like the Pulumi CLI does, Analyze and AnalyzeStack over gRPC), " +
      "dev 3 times, the others twice; wall time from spawn to exit (`npm run` itself adds about 0.3 s). " +
      "Throughput: one pack process started like the CLI, configured with the dev policy config, fed copies of the dev stack's resources (URNs made unique) as `Analyze` requests, 64 calls in flight, then one `AnalyzeStack` of the whole set; 1,000 resources 5 times and 10,000 resources 3 times, after three unrecorded warm-up passes of 1,000 (the JIT is still compiling over the first ones). Requests are encoded before the clock starts and responses decoded after it stops: the engine does that protobuf work in Go, and it is not the pack's. The clock covers the pack's work and the HTTP/2 exchange.",
    figures: [...previews.figures, ...throughput.figures],
    details: {
      previews: previews.details,
      throughput: throughput.details,
      loadAverage: { before: loadBefore, after: loadAverage() },
    },
    seconds: (performance.now() - started) / 1000,
  };
}
