import assert from "node:assert/strict";
import { ContainerFunction } from "../../components/container-function";
import { defaultTestConfig, grants, only, runUnderMocks, statementsOf } from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };
const imageUri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a".repeat(64);

describe("ContainerFunction", () => {
  it("runs the image with safe defaults: tracing, JSON logs into its own log group, one reserved execution", async () => {
    const run = await runUnderMocks(() => {
      new ContainerFunction("worker", { imageUri });
    }, options);

    const fn = only(run, "aws:lambda/function:Function");
    const logGroup = only(run, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(fn.inputs.name, "worker");
    assert.equal(fn.inputs.packageType, "Image");
    assert.equal(fn.inputs.imageUri, imageUri);
    assert.equal(fn.inputs.imageConfig, undefined, "the image's own CMD is used unless overridden");
    assert.deepEqual(fn.inputs.architectures, ["x86_64"]);
    assert.equal(fn.inputs.reservedConcurrentExecutions, 1);
    assert.deepEqual(fn.inputs.tracingConfig, { mode: "Active" });
    assert.equal(logGroup.inputs.name, "/aws/lambda/worker");
    assert.equal(logGroup.inputs.retentionInDays, 30);
    assert.deepEqual(fn.inputs.loggingConfig, {
      logFormat: "JSON",
      logGroup: "/aws/lambda/worker",
      applicationLogLevel: "INFO",
      systemLogLevel: "INFO",
    });
    assert.ok(fn.dependencies.includes(logGroup.urn), "the function waits for its log group");
    assert.ok(
      fn.dependencies.includes(only(run, "aws:iam/rolePolicy:RolePolicy").urn),
      "and for its permissions",
    );
  });

  it("trusts only Lambda and grants its logs, X-Ray and the caller's statements", async () => {
    const run = await runUnderMocks(() => {
      new ContainerFunction("worker", {
        imageUri,
        command: ["report/index.handler"],
        policyStatements: [
          {
            sid: "ReadThing",
            effect: "Allow",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::bucket/thing"],
          },
        ],
      });
    }, options);

    assert.deepEqual(only(run, "aws:lambda/function:Function").inputs.imageConfig, {
      commands: ["report/index.handler"],
    });
    assert.equal(
      only(run, "aws:iam/role:Role").inputs.name,
      "worker",
      "the role is named after the function",
    );
    const trust = statementsOf(only(run, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust, [
      {
        Sid: "ServiceAssumeRole",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "lambda.amazonaws.com" },
      },
    ]);
    const policy = only(run, "aws:iam/rolePolicy:RolePolicy");
    assert.equal(policy.inputs.role, only(run, "aws:iam/role:Role").id);
    assert.deepEqual(grants(statementsOf(policy)), [
      "logs:CreateLogStream on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*",
      "logs:PutLogEvents on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/worker:*",
      "s3:GetObject on arn:aws:s3:::bucket/thing",
      "xray:PutTelemetryRecords on *",
      "xray:PutTraceSegments on *",
    ]);
  });
});
