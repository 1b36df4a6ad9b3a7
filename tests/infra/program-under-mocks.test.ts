import assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  listStackNames,
  readStackConfig,
  runProgramUnderMocks,
  runUnderMocks,
} from "../../scripts/lib/program-under-mocks";
import { only } from "./support/run-queries";

const projectDir = path.join(__dirname, "fixtures", "mini-project");

describe("program-under-mocks", () => {
  describe("stack config", () => {
    it("applies project defaults under the project namespace, then the stack file, and replaces secure values by placeholder secrets", () => {
      assert.deepEqual(listStackNames(projectDir), ["alpha", "beta"]);
      const alpha = readStackConfig(projectDir, "alpha");
      assert.equal(alpha.project, "mini");
      assert.deepEqual(alpha.config, {
        "mini:greeting": "hello",
        "mini:retries": "3",
        "aws:region": "eu-west-1",
        "mini:bucketName": "alpha-bucket",
        "mini:apiToken": "[secret:mini:apiToken]",
        "mini:tags": '{"team":"shop"}',
      });
      assert.deepEqual(alpha.secretKeys, ["mini:apiToken"]);
      assert.equal(readStackConfig(projectDir, "beta").config["mini:retries"], "5");
      assert.throws(() => readStackConfig(projectDir, "gamma"), /no stack file Pulumi\.gamma\.yaml/);
    });
  });

  describe("runProgramUnderMocks", () => {
    it("evaluates a module-level program afresh for each stack in one process", async () => {
      const alpha = await runProgramUnderMocks({ projectDir, stack: "alpha" });
      const beta = await runProgramUnderMocks({ projectDir, stack: "beta" });
      const again = await runProgramUnderMocks({ projectDir, stack: "alpha", config: { greeting: "hey" } });

      assert.deepEqual(alpha.outputs.bucketArn, { value: "arn:aws:s3:::alpha-bucket", secret: false });
      assert.deepEqual(alpha.outputs.greeting, { value: "hello", secret: false });
      assert.deepEqual(alpha.outputs.retries, { value: 3, secret: false });
      assert.deepEqual(alpha.outputs.apiToken, { value: "[secret:mini:apiToken]", secret: true });
      assert.deepEqual(only(alpha, "aws:s3/bucket:Bucket").inputs.tags, { team: "shop" });

      assert.deepEqual(beta.outputs.bucketArn.value, "arn:aws:s3:::beta-bucket");
      assert.deepEqual([beta.outputs.greeting.value, beta.outputs.retries.value], ["hi", 5]);
      assert.deepEqual(beta.outputs.apiToken, { value: "not-encrypted", secret: true });
      assert.equal(beta.stack, "beta");
      assert.equal(
        only(beta, "pulumi:pulumi:Stack").urn,
        "urn:pulumi:beta::mini::pulumi:pulumi:Stack::mini-beta",
      );

      assert.equal(again.outputs.greeting.value, "hey");
      assert.equal(alpha.resources.length, again.resources.length);
    });

    it("calls a program exported as a function, as the language host does", async () => {
      const run = await runProgramUnderMocks({
        projectDir,
        stack: "beta",
        program: path.join(projectDir, "function-program.ts"),
      });
      assert.deepEqual(run.outputs.queueUrl, {
        value: "https://sqs.us-west-2.amazonaws.com/123456789012/beta-bucket-queue",
        secret: false,
      });
      assert.equal(run.outputs.stack.value, "beta");
    });

    it("runs an afterProgram hook inside the same stack, so callers can add resources", async () => {
      let seen: string[] = [];
      const run = await runProgramUnderMocks({
        projectDir,
        stack: "alpha",
        afterProgram: ({ outputs, stack }) => {
          seen = [stack, ...Object.keys(outputs)];
          new aws.s3.BucketAcl("injected", { bucket: "alpha-bucket", acl: "public-read" });
        },
      });
      assert.deepEqual(seen.sort(), ["alpha", "apiToken", "bucketArn", "greeting", "retries"]);
      const injected = only(run, "aws:s3/bucketAcl:BucketAcl");
      assert.equal(injected.inputs.acl, "public-read");
      assert.equal(injected.parent, only(run, "pulumi:pulumi:Stack").urn);
    });

    it("rejects when a resource input fails, instead of returning a partial picture", async () => {
      await assert.rejects(
        runProgramUnderMocks({
          projectDir,
          stack: "alpha",
          program: path.join(projectDir, "failing-program.ts"),
        }),
        /boom/,
      );
    });
  });

  describe("runUnderMocks", () => {
    it("records parent, provider, dependencies and property dependencies of every registration", async () => {
      const run = await runUnderMocks(() => {
        const provider = new aws.Provider("tagged", { region: "eu-central-1" });
        const component = new pulumi.ComponentResource(
          "test:index:Thing",
          "thing",
          {},
          { providers: [provider] },
        );
        const queue = new aws.sqs.Queue("queue", {}, { parent: component });
        const policy = new aws.sqs.QueuePolicy(
          "policy",
          { queueUrl: queue.url, policy: "{}" },
          { parent: component, dependsOn: [provider] },
        );
        return { policyId: policy.id };
      });
      const queue = only(run, "aws:sqs/queue:Queue");
      const policy = only(run, "aws:sqs/queuePolicy:QueuePolicy");
      const provider = only(run, "pulumi:providers:aws");
      assert.equal(queue.parent, only(run, "test:index:Thing").urn);
      assert.equal(queue.provider, `${provider.urn}::${provider.id}`);
      assert.deepEqual(policy.propertyDependencies, { queueUrl: [queue.urn] });
      assert.ok(policy.dependencies.includes(queue.urn) && policy.dependencies.includes(provider.urn));
      assert.equal(only(run, "test:index:Thing").custom, false);
      assert.equal(queue.custom, true);
    });

    it("fails loudly on an invoke it cannot answer, unless the caller supplies an answer", async () => {
      const body = () => ({ zones: aws.getAvailabilityZonesOutput({}).names });
      await assert.rejects(
        runUnderMocks(body),
        /nothing answers the invoke aws:index\/getAvailabilityZones:getAvailabilityZones/,
      );
      const run = await runUnderMocks(body, {
        invokes: {
          "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, identity) => ({
            names: [`${identity.region}a`],
          }),
        },
        config: { "aws:region": "ap-south-1" },
      });
      assert.deepEqual(run.outputs.zones.value, ["ap-south-1a"]);
      assert.deepEqual(
        run.invokes.map((i) => i.token),
        ["aws:index/getAvailabilityZones:getAvailabilityZones"],
      );
    });

    it("serialises concurrent runs so each sees only its own resources", async () => {
      const [a, b] = await Promise.all([
        runUnderMocks(() => void new aws.sqs.Queue("a-queue")),
        runUnderMocks(() => void new aws.sns.Topic("b-topic")),
      ]);
      assert.deepEqual(
        a.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack", "aws:sqs/queue:Queue"],
      );
      assert.deepEqual(
        b.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack", "aws:sns/topic:Topic"],
      );
    });

    it("reinstalls mocks and config a caller had set before the run", async () => {
      const foreign: pulumi.runtime.Mocks = {
        newResource: (args) => ({ id: "foreign", state: args.inputs }),
        call: () => ({}),
      };
      await pulumi.runtime.setMocks(foreign, "other-project", "other-stack");
      pulumi.runtime.setAllConfig({ "other:key": "value" });
      await runUnderMocks(() => void new aws.sqs.Queue("q"), {
        project: "p",
        stack: "s",
        config: { "p:key": "x" },
      });
      assert.equal((pulumi.runtime.getMonitor() as unknown as { mocks: unknown }).mocks, foreign);
      assert.deepEqual([pulumi.getProject(), pulumi.getStack()], ["other-project", "other-stack"]);
      assert.equal(new pulumi.Config("other").get("key"), "value");
      assert.equal(new pulumi.Config("p").get("key"), undefined);
    });
  });
});
