import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { listStackNames } from "../../scripts/lib/program-under-mocks";
import { runOfflinePreview, type OfflinePreviewResult } from "../../scripts/preview/offline-preview";
import { PolicyPackProcess } from "../../scripts/preview/policy-pack";
import { renderJson } from "../../scripts/preview/render-json";
import { renderText } from "../../scripts/preview/render-text";
import { renderSarif } from "../../scripts/preview/sarif";
import { P } from "./corpus/case";

const root = path.join(__dirname, "..", "..");
const thisFile = path.relative(root, __filename).split(path.sep).join("/");
const lineOf = (text: string) =>
  fs
    .readFileSync(__filename, "utf8")
    .split("\n")
    .findIndex((line) => line.includes(text)) + 1;

const violations = (result: OfflinePreviewResult) =>
  result.diagnostics
    .filter((d) => d.enforcementLevel === "mandatory")
    .map(
      (d) =>
        `${d.policyName} on ${d.resource?.type ?? "stack"} ${d.resource?.name ?? ""}: ${d.message.split("\n").slice(1).join(" ")}`,
    );

/** Runs `npm run preview:offline` the way CI does, returning its exit code and output. */
function previewCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve("tsx/cli"), path.join(root, "scripts", "preview-offline.ts"), ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("offline preview", function () {
  this.timeout(120_000);
  let pack: PolicyPackProcess;

  before(async () => {
    pack = await PolicyPackProcess.start({ packDir: path.join(root, "policies") });
  });

  after(async () => {
    await pack?.close();
  });

  for (const stack of listStackNames(root)) {
    it(`passes the program's ${stack} stack with zero mandatory violations`, async () => {
      const result = await runOfflinePreview({ stack, pack });
      assert.ok(result.resources.length > 10, `only ${result.resources.length} resources`);
      assert.deepEqual(violations(result), []);
      assert.ok(
        result.pack.configFile?.endsWith(path.join("config", `${stack}.json`)),
        "the stack's policy config is used",
      );
    });
  }

  describe("with unsafe resources added to the program", () => {
    let result: OfflinePreviewResult;

    before(async () => {
      result = await runOfflinePreview({
        stack: "dev",
        pack,
        afterProgram: () => {
          new aws.s3.BucketAcl("unsafe-acl", { bucket: "shop-dev-reports", acl: "public-read" });
          new aws.iam.RolePolicy("unsafe-policy", {
            role: "shop-dev-api",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }],
            }),
          });
        },
      });
    });

    it("names each one with the policies that block it", () => {
      assert.deepEqual(
        violations(result).sort(),
        [
          `${P.s3Acl} on aws:s3/bucketAcl:BucketAcl unsafe-acl: acl "public-read" makes the bucket readable by others; remove it (buckets are private by default).`,
          `${P.actions} on aws:iam/rolePolicy:RolePolicy unsafe-policy: policy, statement 1: Allow of action "dynamodb:*" grants every dynamodb action; list the exact actions the workload calls instead.`,
          `${P.resources} on aws:iam/rolePolicy:RolePolicy unsafe-policy: policy, statement 1: Allow of "dynamodb:*" on resource "*" names every resource; name the exact ARNs the stack created instead.`,
        ].sort(),
      );
    });

    it("locates each at the line that constructs it", () => {
      const acl = result.diagnostics.find((d) => d.policyName === P.s3Acl)!;
      assert.deepEqual(
        { file: acl.location.file, line: acl.location.line },
        { file: thisFile, line: lineOf('new aws.s3.BucketAcl("unsafe-acl"') },
      );
      const programResource = result.resources.find((r) => r.type === "aws:lambda/function:Function")!;
      assert.match(programResource.location.file, /^components\/.+\.ts$/);
      const line = fs.readFileSync(path.join(root, programResource.location.file), "utf8").split("\n")[
        programResource.location.line - 1
      ];
      assert.match(line, /new aws\.lambda\.Function\(/);
    });

    it("prints the Policies section like pulumi preview, failing the pack", () => {
      const text = renderText(result);
      assert.match(text, /^Policies:\n {4}❌ shop-guardrails@v0\.1\.0 \(local: policies\)$/m);
      assert.match(text, /^ {8}- \[mandatory\] {2}s3-no-public-acl {2}\(aws:s3:BucketAcl: unsafe-acl\)$/m);
      assert.match(text, new RegExp(`^ {10}at ${thisFile.replace(/\./g, "\\.")}:\\d+$`, "m"));
      assert.match(text, /^ \+ {3}pulumi:pulumi:Stack +shop-infra-dev +create$/m);
      assert.match(text, /error: preview failed: 3 mandatory policy violation\(s\)/);
    });

    it("writes SARIF 2.1.0 with one rule per policy and the violations located in the source", () => {
      const sarif = JSON.parse(renderSarif(result));
      assert.equal(sarif.version, "2.1.0");
      const run = sarif.runs[0];
      assert.equal(run.tool.driver.name, "shop-guardrails");
      assert.equal(run.tool.driver.rules.length, result.pack.policies.length);
      const acl = run.results.find((r: { ruleId: string }) => r.ruleId === P.s3Acl);
      assert.equal(acl.level, "error");
      assert.equal(run.tool.driver.rules[acl.ruleIndex].id, P.s3Acl);
      assert.deepEqual(acl.locations[0].physicalLocation.artifactLocation, {
        uri: thisFile,
        uriBaseId: "%SRCROOT%",
      });
      assert.equal(
        acl.locations[0].physicalLocation.region.startLine,
        lineOf('new aws.s3.BucketAcl("unsafe-acl"'),
      );
      assert.match(acl.message.text, /^aws:s3\/bucketAcl:BucketAcl "unsafe-acl": acl "public-read"/);
      const advisory = run.results.find((r: { ruleId: string }) => r.ruleId === "s3-bucket-access-logging");
      assert.equal(advisory?.level, "warning");
      const rule = (id: string) => run.tool.driver.rules.find((r: { id: string }) => r.id === id);
      assert.equal(
        rule("dynamodb-deletion-protection").defaultConfiguration.level,
        "none",
        "dev.json disables it",
      );
      assert.equal(rule(P.actions).defaultConfiguration.level, "error");
    });

    it("reports the same as JSON, without resource inputs", () => {
      const json = JSON.parse(renderJson(result));
      assert.equal(json.summary.passed, false);
      assert.equal(json.summary.mandatory, 3);
      assert.equal(json.changeSummary.create, result.resources.length);
      assert.ok(
        json.policyViolations.some(
          (v: { resourceName: string; policyName: string }) =>
            v.resourceName === "unsafe-acl" && v.policyName === P.s3Acl,
        ),
      );
      assert.ok(!JSON.stringify(json).includes('"inputs"'));
    });
  });

  describe("npm run preview:offline", () => {
    it("exits 1 on a mandatory violation, names it, and writes --json and --sarif", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-"));
      const config = path.join(dir, "strict.json");
      const sarifFile = path.join(dir, "dev.sarif");
      fs.writeFileSync(config, JSON.stringify({ "s3-bucket-access-logging": "mandatory" }));
      const { code, stdout } = await previewCli([
        "--stack",
        "dev",
        "--policy-pack-config",
        config,
        "--json",
        "--sarif",
        sarifFile,
      ]);
      assert.equal(code, 1, stdout);
      const json = JSON.parse(stdout);
      assert.equal(json.summary.passed, false);
      assert.deepEqual(
        json.policyViolations
          .filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")
          .map((v: { policyName: string; resourceName: string }) => [v.policyName, v.resourceName])
          .sort(),
        // The report bucket's object events are in the trail; the trail's own bucket has no such record.
        [["s3-bucket-access-logging", "shop-dev-audit-logs"]],
      );
      assert.ok(
        !json.policyViolations.some(
          (v: { policyName: string }) => v.policyName === "secretsmanager-secret-rotation",
        ),
        "the JWT signing key rotates",
      );
      const sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8"));
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(sarif.version, "2.1.0");
      assert.equal(
        sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "s3-bucket-access-logging").level,
        "error",
      );
    });

    it("exits 2 when the preview cannot run", async () => {
      const missing = await previewCli(["--stack", "no-such-stack"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no stack file Pulumi\.no-such-stack\.yaml/);
      const usage = await previewCli([]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /usage: npm run preview:offline -- --stack <name>/);
    });
  });
});
