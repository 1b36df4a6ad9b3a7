import { strict as assert } from "node:assert";
import * as path from "node:path";
import { packName, policies } from "../../policies/pack";
import packageJson from "../../policies/package.json";
import { reconcilePolicyConfig } from "../../scripts/preview/policy-config";
import {
  PolicyPackProcess,
  decodeAnalyzeResponse,
  encodeAnalyzeRequests,
  encodeAnalyzeStackRequest,
} from "../../scripts/preview/policy-pack";
import { resourceCases, stackCases } from "./corpus";
import { P, resource } from "./corpus/case";
import { analyzeResource, toAnalyzed, unknownString, violatedPolicies } from "./harness";

/**
 * The pack as the CLI runs it: `node .../run-policy-pack <engine> .` in policies/, ts-node compiling it,
 * the Analyzer service on the port it prints, and its log calls going to a (fake) engine.
 */
describe("policy pack over the analyzer protocol", function () {
  let pack: PolicyPackProcess;

  before(async function () {
    // The first start after a change type-checks the pack with ts-node (several seconds on a busy machine).
    this.timeout(120_000);
    pack = await PolicyPackProcess.start({
      packDir: path.join(__dirname, "..", "..", "policies"),
      project: "shop-infra",
      stack: "test",
    });
  });

  after(async () => {
    await pack?.close();
  });

  it("starts the way the CLI starts it and logs through the engine", async () => {
    assert.ok(pack.startupMs > 0 && Number.isFinite(pack.startupMs));
    // The SDK sends its log calls asynchronously; they may land just after the port is printed.
    const ranProgram = () => pack.engine.logs.some((log) => log.message.startsWith("Running program '"));
    for (let waited = 0; !ranProgram() && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(ranProgram(), JSON.stringify(pack.engine.logs));
  });

  it("answers GetPluginInfo with the policy runtime's version", async () => {
    assert.deepEqual(await pack.getPluginInfo(), { version: "1.21.0" });
  });

  it("describes every policy in GetAnalyzerInfo as the pack declares it", async () => {
    const info = await pack.getAnalyzerInfo();
    assert.equal(info.name, packName);
    assert.equal(info.version, packageJson.version);
    assert.equal(info.supportsConfig, true);
    assert.deepEqual(
      info.policies.map((p) => [p.name, p.enforcementLevel, p.policyType, p.description]),
      policies.map((p) => [
        p.name,
        p.enforcementLevel,
        "validateStack" in p ? "stack" : "resource",
        p.description,
      ]),
    );
    const resources = info.policies.find((p) => p.name === P.resources)!;
    assert.deepEqual(Object.keys(resources.configSchema!.properties), ["starOnlyActions"]);
  });

  it("blocks an unsafe resource in Analyze, even with unknown parts, and defers a wholly unknown one", async () => {
    const rolePolicy = (policy: unknown) =>
      toAnalyzed(resource("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy }));
    const partlyUnknown = await pack.analyze(
      rolePolicy({ Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: unknownString }] }),
    );
    assert.deepEqual(violatedPolicies(partlyUnknown), [P.actions]);
    const unknown = await pack.analyze(rolePolicy(unknownString));
    assert.deepEqual(violatedPolicies(unknown), []);
    assert.ok(unknown.diagnostics.length > 0);
    assert.ok(
      unknown.diagnostics.every(
        (d) => d.enforcementLevel === "advisory" && d.message.includes("during preview"),
      ),
    );
    const safe = await pack.analyze(
      rolePolicy(
        JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:1:q" }],
        }),
      ),
    );
    assert.deepEqual(safe.diagnostics, []);
  });

  it("applies levels and settings sent with Configure", async () => {
    const describeEni = toAnalyzed(
      resource("aws:iam/rolePolicy:RolePolicy", "eni", {
        role: "r",
        policy: {
          Statement: [{ Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces", "s3:*"], Resource: "*" }],
        },
      }),
    );
    const info = await pack.getAnalyzerInfo();
    try {
      await pack.configure(
        reconcilePolicyConfig(info, {
          [P.actions]: { enforcementLevel: "advisory", properties: {} },
          [P.resources]: { properties: { starOnlyActions: ["ec2:DescribeNetworkInterfaces", "s3:*"] } },
        }),
      );
      const configured = await pack.analyze(describeEni);
      assert.deepEqual(violatedPolicies(configured), []);
      assert.deepEqual(violatedPolicies(configured, "advisory"), [P.actions]);
    } finally {
      await pack.configure(reconcilePolicyConfig(info, {}));
    }
    assert.deepEqual(violatedPolicies(await pack.analyze(describeEni)), [P.actions, P.resources]);
  });

  it("judges the whole corpus exactly as the in-process runtime does", async function () {
    this.timeout(60_000);
    const analyzed = resourceCases.map((c, index) => toAnalyzed(c.resource, index));
    const overGrpc = await pack.analyzeEach(analyzed);
    for (const [index, c] of resourceCases.entries()) {
      // The unwrapped runtime in-process: the served pack's seams (policies/lib/serving.ts) change no
      // answer, not-applicable reasons and their order included.
      const inProcess = await analyzeResource(policies, c.resource);
      assert.deepEqual(overGrpc[index], inProcess, c.title);
      assert.deepEqual(violatedPolicies(overGrpc[index]), [...(c.blockedBy ?? [])].sort(), c.title);
    }
  });

  it("gives the same verdicts for pre-encoded requests (the benchmark's path) as for messages built per call", async function () {
    this.timeout(60_000);
    const analyzed = resourceCases.map((c, index) => toAnalyzed(c.resource, index));
    const encoded = await pack.exchangeEncoded("Analyze", encodeAnalyzeRequests(analyzed), 8);
    const results = encoded.map(decodeAnalyzeResponse);
    assert.deepEqual(results, await pack.analyzeEach(analyzed, 8));
    assert.ok(results.some((result) => result.diagnostics.length > 0));
    for (const c of stackCases) {
      const resources = c.resources.map((r, index) => toAnalyzed(r, index));
      const [stackResponse] = await pack.exchangeEncoded("AnalyzeStack", [
        encodeAnalyzeStackRequest(resources),
      ]);
      assert.deepEqual(decodeAnalyzeResponse(stackResponse), await pack.analyzeStack(resources), c.title);
    }
  });

  it("judges whole stacks in AnalyzeStack", async () => {
    for (const c of stackCases) {
      const result = await pack.analyzeStack(c.resources.map((r, index) => toAnalyzed(r, index)));
      assert.deepEqual(violatedPolicies(result), [...(c.blockedBy ?? [])].sort(), c.title);
    }
  });
});
