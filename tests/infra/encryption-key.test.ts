import assert from "node:assert/strict";
import { EncryptionKey } from "../../components/encryption-key";
import { defaultTestConfig, only, runUnderMocks, statement, statementsOf } from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };

describe("EncryptionKey", () => {
  it("creates a rotating key with an alias named after the component, and only the account-root statement by default", async () => {
    const run = await runUnderMocks(() => {
      new EncryptionKey("data-key", { description: "test data" });
    }, options);

    const key = only(run, "aws:kms/key:Key");
    assert.equal(key.name, "data-key");
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.equal(key.inputs.deletionWindowInDays, 30);
    assert.equal(only(run, "aws:kms/alias:Alias").inputs.name, "alias/data-key");

    const statements = statementsOf(key);
    assert.deepEqual(statements, [
      {
        Sid: "AccountAdministration",
        Effect: "Allow",
        Action: "kms:*",
        Resource: "*",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
      },
    ]);
  });

  it("grants each service exactly its actions under its conditions", async () => {
    const run = await runUnderMocks(() => {
      new EncryptionKey("trail-key", {
        description: "trail",
        deletionWindowInDays: 7,
        serviceGrants: [
          {
            sid: "TrailEncrypt",
            service: "cloudtrail.amazonaws.com",
            actions: ["kms:GenerateDataKey"],
            conditions: [
              {
                test: "StringEquals",
                variable: "aws:SourceArn",
                values: ["arn:aws:cloudtrail:us-east-1:123456789012:trail/t"],
              },
            ],
          },
        ],
      });
    }, options);

    const key = only(run, "aws:kms/key:Key");
    assert.equal(key.inputs.deletionWindowInDays, 7);
    assert.deepEqual(statement(statementsOf(key), "TrailEncrypt"), {
      Sid: "TrailEncrypt",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: "*",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t" } },
    });
  });

  it("lets CloudWatch Logs of this region use the key only for log groups of this account and region", async () => {
    const run = await runUnderMocks(
      () => {
        new EncryptionKey("logs-key", { description: "logs", allowCloudWatchLogs: true });
      },
      { stack: "test", config: { "aws:region": "eu-west-1" } },
    );

    const logs = statement(statementsOf(only(run, "aws:kms/key:Key")), "CloudWatchLogsEncryptLogGroups");
    assert.deepEqual(logs.Principal, { Service: "logs.eu-west-1.amazonaws.com" });
    assert.deepEqual(logs.Condition, {
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" },
    });
    assert.ok(!(logs.Action as string[]).some((action) => action.includes("*")), "no wildcard actions");
  });
});
