/**
 * `pulumi up`, `preview`, `stack export` and `destroy` of the dev and prod stacks under the real CLI, with
 * the policy pack, against the fake cloud's provider plugins: the outputs, no perpetual diff, a setting
 * change that updates exactly what it should, no secret in plaintext in the state, nothing left after
 * destroy.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { MockCloud } from "../../fake-cloud/cloud";
import { EngineWorkspace, previewSteps, requireToolchain, urnName, urnType } from "./support/engine";

/** The outputs an app stack documents (index.ts, README "Stack outputs"). */
const documentedOutputs = [
  "alertTopicArn",
  "apiUrl",
  "dashboardUrl",
  "imageDigest",
  "reportsBucket",
  "repositoryUrl",
];

interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}
const resourcesOf = (exported: string): ExportedResource[] =>
  (JSON.parse(exported) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];

/** The JWT signing key the fake random provider generates for this stack, as the plugin computed it. */
function generatedSigningKey(resources: ExportedResource[]): string {
  const password = resources.find((r) => r.type === "random:index/randomPassword:RandomPassword");
  assert.ok(password, "the stack has no RandomPassword (the JWT signing key)");
  const { state } = new MockCloud().newResource({
    type: password.type,
    name: urnName(password.urn),
    inputs: password.inputs ?? {},
    custom: true,
  });
  const key = state.result;
  assert.equal(typeof key, "string");
  return key as string;
}

const imageUri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-app@sha256:${"ab".repeat(32)}`;

for (const stack of ["dev", "prod"] as const) {
  describe(`engine: the ${stack} stack's lifecycle`, function () {
    this.timeout(240_000);
    let workspace: EngineWorkspace;
    // A secret setting, as an operator would store one: it must reach the state only encrypted.
    const alarmEmail = `oncall-${randomBytes(6).toString("hex")}@example.com`;

    before(async function () {
      this.timeout(120_000);
      requireToolchain();
      workspace = await EngineWorkspace.open({ stack });
      await workspace.setConfig("shop-infra:alarmEmail", alarmEmail, { secret: true });
    });
    after(() => workspace?.dispose());

    it(`pulumi up creates the stack (${stack === "dev" ? "building the image" : "with the pipeline's image by digest"})`, async () => {
      const run = await workspace.up(stack === "prod" ? { imageUri } : {});
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /\+ \d+ created/);
      assert.doesNotMatch(run.output, /\[mandatory\]/);
    });

    it("has the documented outputs, none of them secret", async () => {
      const outputs = await workspace.outputs();
      assert.deepEqual(Object.keys(outputs).sort(), documentedOutputs);
      assert.match(String(outputs.apiUrl), /^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/$/);
      assert.match(String(outputs.imageDigest), /^sha256:[0-9a-f]{64}$/);
      if (stack === "prod") assert.equal(outputs.imageDigest, imageUri.split("@")[1]);
      assert.ok(!JSON.stringify(outputs).includes(alarmEmail));
    });

    it("previews no changes right after the update (no perpetual diff)", async () => {
      const run = await workspace.preview(["--expect-no-changes"]);
      assert.equal(run.code, 0, run.output);
    });

    it("keeps every secret encrypted in the state: the generated JWT key and the secure: setting", async () => {
      const exported = await workspace.exportState();
      const key = generatedSigningKey(resourcesOf(exported));
      assert.ok(!exported.includes(key), "the JWT signing key is in the state in plaintext");
      assert.ok(!exported.includes(alarmEmail), "the secure: alarmEmail is in the state in plaintext");
      assert.match(workspace.stackFile(), /shop-infra:alarmEmail:\s+secure: /);
      // The search above finds what is there: with --show-secrets the same export holds both values.
      const revealed = (await workspace.ok(["stack", "export", "--show-secrets", "--stack", stack])).stdout;
      assert.ok(revealed.includes(key) && revealed.includes(alarmEmail));
    });

    it("previews exactly the log groups' retention when logRetentionDays changes", async () => {
      // Every application log group follows logRetentionDays; the audit trail's follows its own setting.
      const appLogGroups = resourcesOf(await workspace.exportState())
        .filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")
        .map((r) => urnName(r.urn))
        .filter((name) => !name.startsWith(`shop-${stack}-audit`))
        .sort();
      assert.ok(appLogGroups.length >= 3, appLogGroups.join(", "));
      await workspace.setConfig("shop-infra:logRetentionDays", stack === "dev" ? "14" : "400");
      const run = await workspace.preview(["--json"]);
      assert.equal(run.code, 0, run.output);
      const changed = previewSteps(run.stdout).filter((step) => step.op !== "same");
      const logGroups = changed.filter((step) => urnType(step.urn) === "aws:cloudwatch/logGroup:LogGroup");
      assert.deepEqual(
        logGroups.map((step) => [step.op, step.diffReasons]),
        logGroups.map(() => ["update", ["retentionInDays"]]),
      );
      assert.deepEqual(logGroups.map((step) => urnName(step.urn)).sort(), appLogGroups);
      // Nothing else: what reads a log group's outputs (its ARN) sees them unchanged.
      const others = changed.filter((step) => !logGroups.includes(step));
      assert.deepEqual(
        others.map((step) => `${step.op} ${urnName(step.urn)} ${step.diffReasons?.join(",")}`),
        [],
      );
    });

    it("pulumi destroy leaves no resources", async () => {
      const run = await workspace.destroy();
      assert.equal(run.code, 0, run.output);
      assert.deepEqual(resourcesOf(await workspace.exportState()), []);
    });
  });
}
