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

/** The packs measured side by side: ours, and the two anchors that give its figures a meaning. */
interface MeasuredPack {
  readonly key: "ours" | "awsguard" | "noOp";
  readonly title: string;
  readonly dir: string;
  /** The policy config file the merge-request job gives it, if any. */
  readonly configFile?: string;
}

const measuredPacks: readonly MeasuredPack[] = [
  {
    key: "ours",
    title: "Our pack",
    dir: path.join(repositoryRoot, "policies"),
    configFile: path.join(repositoryRoot, "policies", "config", "dev.json"),
  },
  {
    key: "awsguard",
    title: "awsguard 0.3.1 (all policies)",
    dir: path.join(__dirname, "..", "packs", "awsguard"),
  },
  { key: "noOp", title: "One no-op policy", dir: path.join(__dirname, "..", "packs", "no-op") },
];

async function startConfiguredPack(
  measured: MeasuredPack,
  project: { project: string; config: Record<string, string> },
): Promise<{ pack: PolicyPackProcess; policies: number }> {
  const pack = await PolicyPackProcess.start({
    packDir: measured.dir,
    project: project.project,
    stack: "dev",
    stackConfig: project.config,
  });
  try {
    const info = await pack.getAnalyzerInfo();
    // Without a config file the pack gets what the CLI sends then: each policy's defaults.
    const given = measured.configFile ? readPolicyConfigFile(measured.configFile) : {};
    await pack.configure(reconcilePolicyConfig(info, given));
    return { pack, policies: info.policies.length };
  } catch (error) {
    await pack.close();
    throw error;
  }
}

/**
 * The three packs over the same resources in one run, interleaved: in each round every pack judges the
 * whole set (`Analyze` each, then one `AnalyzeStack`), in an order that rotates from round to round, so
 * the machine's load lands on all of them alike and each round gives one ratio per pair.
 */
async function packThroughput(
  resourceCount: number,
  rounds: number,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const project = readStackConfig(repositoryRoot, "dev");
  const template = toAnalyzerResources((await runProgramUnderMocks({ stack: "dev" })).resources);
  const started: { measured: MeasuredPack; pack: PolicyPackProcess; policies: number }[] = [];
  try {
    for (const measured of measuredPacks) {
      started.push({ measured, ...(await startConfiguredPack(measured, project)) });
    }
    // Unrecorded passes first: the figures are each pack's steady throughput, and over the first few
    // thousand calls the JIT is still compiling (the first pass of 1,000 ran at about half speed).
    const warmUpInputs = encodeAnalyzeRequests(syntheticStack(template.inputs, 1_000));
    const warmUpState = encodeAnalyzeStackRequest(syntheticStack(template.state, 1_000));
    for (const { pack } of started) {
      for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
        await pack.exchangeEncoded("Analyze", warmUpInputs, ANALYZE_IN_FLIGHT);
        await pack.exchangeEncoded("AnalyzeStack", [warmUpState]);
      }
    }

    // Encoded before the clock starts and decoded after it stops: the engine does that protobuf work in
    // Go, so it is not the packs' cost.
    const inputs = encodeAnalyzeRequests(syntheticStack(template.inputs, resourceCount));
    const state = encodeAnalyzeStackRequest(syntheticStack(template.state, resourceCount));
    const timings = new Map(
      started.map(({ measured }) => [
        measured.key,
        { analyze: [] as number[], analyzeStack: [] as number[], diagnostics: 0 },
      ]),
    );
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < started.length; turn++) {
        const { measured, pack } = started[(round + turn) % started.length];
        const timing = timings.get(measured.key)!;
        const analyzeStarted = performance.now();
        const responses = await pack.exchangeEncoded("Analyze", inputs, ANALYZE_IN_FLIGHT);
        timing.analyze.push(performance.now() - analyzeStarted);
        const stackStarted = performance.now();
        const [stackResponse] = await pack.exchangeEncoded("AnalyzeStack", [state]);
        timing.analyzeStack.push(performance.now() - stackStarted);
        timing.diagnostics = [...responses, stackResponse]
          .map(decodeAnalyzeResponse)
          .reduce((sum, result) => sum + result.diagnostics.length, 0);
      }
    }

    const label = `${resourceCount.toLocaleString("en-US")} resources`;
    const endToEnd = (key: MeasuredPack["key"]) => {
      const timing = timings.get(key)!;
      return timing.analyze.map((ms, i) => resourceCount / ((ms + timing.analyzeStack[i]) / 1000));
    };
    const analyzeAlone = (key: MeasuredPack["key"]) =>
      timings.get(key)!.analyze.map((ms) => resourceCount / (ms / 1000));
    const perRound = (a: number[], b: number[]) => a.map((value, i) => value / b[i]);
    const figures: Figure[] = [];
    for (const { measured, policies } of started) {
      const timing = timings.get(measured.key)!;
      const who = `${measured.title} (${policies} ${policies === 1 ? "policy" : "policies"})`;
      figures.push(
        figure({
          id: `policy.${measured.key}.resourcesPerSecond`,
          label: `${who}, ${label}: \`Analyze\` each + one \`AnalyzeStack\``,
          unit: "resources/s",
          summary: summarize(endToEnd(measured.key)),
          ...(measured.key === "ours" ? { target: { comparison: ">=" as const, value: 2000 } } : {}),
        }),
        figure({
          id: `policy.${measured.key}.analyzePerSecond`,
          label: `${who}, ${label}: \`Analyze\` alone`,
          unit: "resources/s",
          summary: summarize(analyzeAlone(measured.key)),
        }),
        figure({
          id: `policy.${measured.key}.analyzeStackMs`,
          label: `${who}, ${label}: one \`AnalyzeStack\` of them all`,
          unit: "ms",
          summary: summarize(timing.analyzeStack),
        }),
      );
    }
    const ours = timings.get("ours")!;
    const awsguard = timings.get("awsguard")!;
    figures.push(
      figure({
        id: "policy.ratio.endToEndOverAwsguard",
        label: `Ours / awsguard, ${label}: \`Analyze\` each + one \`AnalyzeStack\` (resources/s, per round)`,
        unit: "x",
        summary: summarize(perRound(endToEnd("ours"), endToEnd("awsguard"))),
        target: { comparison: ">=", value: 1.3 },
      }),
      figure({
        id: "policy.ratio.endToEndOverNoOp",
        label: `Ours / one no-op policy, ${label}: \`Analyze\` each + one \`AnalyzeStack\` (resources/s, per round)`,
        unit: "x",
        summary: summarize(perRound(endToEnd("ours"), endToEnd("noOp"))),
        target: { comparison: ">=", value: 0.8 },
      }),
      figure({
        id: "policy.ratio.analyzeStackOverAwsguard",
        label: `Ours / awsguard, one \`AnalyzeStack\` of ${label} (time, per round)`,
        unit: "x",
        summary: summarize(perRound(ours.analyzeStack, awsguard.analyzeStack)),
        target: { comparison: "<=", value: 1 },
      }),
      figure({
        id: "policy.ratio.analyzeOverAwsguard",
        label: `Ours / awsguard, ${label}: \`Analyze\` alone (resources/s, per round)`,
        unit: "x",
        summary: summarize(perRound(analyzeAlone("ours"), analyzeAlone("awsguard"))),
      }),
    );
    const details: Record<string, unknown> = { resources: resourceCount, rounds };
    for (const { measured, pack, policies } of started) {
      details[measured.key] = { packStartMs: pack.startupMs, policies, ...timings.get(measured.key) };
    }
    return { figures, details };
  } finally {
    await Promise.all(started.map(({ pack }) => pack.close()));
  }
}

export async function policyAndPreview(): Promise<SectionResult> {
  const started = performance.now();
  const loadBefore = loadAverage();
  const previews = await offlinePreviews((stack) => (stack === "dev" ? 3 : 2));
  const throughput = await packThroughput(5_000, 5);
  return {
    title: "Offline preview and policy-pack throughput",
    method:
      "Each stack previewed by the CLI the merge-request job runs (`tsx scripts/preview-offline.ts --stack <name> --json`, a fresh process each time: program under mocks, pack started like the Pulumi CLI does, Analyze and AnalyzeStack over gRPC), " +
      "dev 3 times, the others twice; wall time from spawn to exit (`npm run` itself adds about 0.3 s). " +
      "Throughput, side by side: three pack processes started like the CLI, ours configured with the dev policy config, Pulumi's awsguard 0.3.1 with every policy mandatory (bench/packs/awsguard) and a pack of one no-op resource policy (bench/packs/no-op, the runtime's floor), each with the defaults the CLI would send. All are fed the same copies of the dev stack's resources (URNs made unique): 5,000 `Analyze` requests, 64 calls in flight, then one `AnalyzeStack` of the whole set; 5 rounds, each pack once per round in an order that rotates, after three unrecorded warm-up passes of 1,000 per pack (the JIT is still compiling over the first ones). Ratios are taken within each round. Requests are encoded before the clock starts and responses decoded after it stops: the engine does that protobuf work in Go, and it is not the pack's. The clock covers the pack's work and the HTTP/2 exchange.",
    figures: [...previews.figures, ...throughput.figures],
    details: {
      previews: previews.details,
      throughput: throughput.details,
      loadAverage: { before: loadBefore, after: loadAverage() },
    },
    seconds: (performance.now() - started) / 1000,
  };
}
