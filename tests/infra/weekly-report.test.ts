import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { WeeklyReport } from "../../components/weekly-report";
import {
  bucketDefaultEncryption,
  defaultTestConfig,
  grants,
  ofType,
  only,
  runUnderMocks,
  statementsOf,
} from "./support/run-queries";

const topicArn = "arn:aws:sns:us-east-1:123456789012:alerts";
const ordersArn = "arn:aws:dynamodb:us-east-1:123456789012:table/shop-test-orders";
const imageUri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-test-app@sha256:${"d".repeat(64)}`;

describe("WeeklyReport", () => {
  let run: Awaited<ReturnType<typeof runUnderMocks>>;
  before(async () => {
    run = await runUnderMocks(
      () => {
        new WeeklyReport("report", {
          imageUri,
          ordersTable: { name: pulumi.output("shop-test-orders"), arn: pulumi.output(ordersArn) },
          productsTableName: "shop-test-products",
          alertTopicArn: topicArn,
          reportExpirationDays: 30,
        });
      },
      { stack: "test", config: defaultTestConfig },
    );
  });

  const fn = () => only(run, "aws:lambda/function:Function");
  const bucketArn = () => only(run, "aws:s3/bucket:Bucket").outputs.arn as string;
  const queue = () => only(run, "aws:sqs/queue:Queue");
  const keyArn = () => only(run, "aws:kms/key:Key").outputs.arn as string;

  it("runs the same image with the report handler as its command", () => {
    assert.equal(fn().inputs.imageUri, imageUri);
    assert.deepEqual(fn().inputs.imageConfig, { commands: ["report/index.handler"] });
    assert.deepEqual((fn().inputs.environment as { variables: unknown }).variables, {
      ORDERS_TABLE: "shop-test-orders",
      PRODUCTS_TABLE: "shop-test-products",
      REPORTS_BUCKET: only(run, "aws:s3/bucket:Bucket").outputs.bucket,
      POWERTOOLS_SERVICE_NAME: "shop-report",
      LOG_LEVEL: "INFO",
    });
    assert.equal(fn().inputs.reservedConcurrentExecutions, 1);
  });

  it("may only query the orders week index, put objects under reports/ and park failed runs", () => {
    const logs = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/report:*";
    assert.deepEqual(
      grants(statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy"))),
      [
        `dynamodb:Query on ${ordersArn}/index/byWeek`,
        `kms:GenerateDataKey on ${keyArn()}`,
        `logs:CreateLogStream on ${logs}`,
        `logs:PutLogEvents on ${logs}`,
        `s3:PutObject on ${bucketArn()}/reports/*`,
        `sqs:SendMessage on ${queue().outputs.arn as string}`,
        "xray:PutTelemetryRecords on *",
        "xray:PutTraceSegments on *",
      ].sort(),
    );
  });

  it("encrypts the reports with a key of its own, which the function may use only through S3", () => {
    assert.deepEqual(bucketDefaultEncryption(run), {
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: keyArn(),
    });
    const encrypt = statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy")).find(
      (s) => s.Sid === "EncryptReports",
    );
    assert.deepEqual(encrypt?.Condition, {
      StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
    });
  });

  it("is invoked every Monday 01:00 UTC by a rule that alone may invoke it", () => {
    const rule = only(run, "aws:cloudwatch/eventRule:EventRule");
    assert.equal(rule.inputs.scheduleExpression, "cron(0 1 ? * MON *)");
    const target = only(run, "aws:cloudwatch/eventTarget:EventTarget");
    assert.equal(target.inputs.rule, rule.outputs.name);
    assert.equal(target.inputs.arn, fn().outputs.arn);
    assert.deepEqual(target.inputs.deadLetterConfig, { arn: queue().outputs.arn });
    assert.ok((target.inputs.retryPolicy as { maximumRetryAttempts: number }).maximumRetryAttempts > 0);
    const permission = only(run, "aws:lambda/permission:Permission");
    assert.deepEqual(
      [permission.inputs.principal, permission.inputs.function, permission.inputs.sourceArn],
      ["events.amazonaws.com", fn().outputs.name, rule.outputs.arn],
    );
  });

  it("retries failed runs, sends them to a dead-letter queue only the rule and the function can write, and alarms on it", () => {
    const asyncConfig = only(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    assert.equal(asyncConfig.inputs.maximumRetryAttempts, 2);
    assert.deepEqual(asyncConfig.inputs.destinationConfig, {
      onFailure: { destination: queue().outputs.arn },
    });
    assert.equal(queue().inputs.sqsManagedSseEnabled, true);
    const [statement] = statementsOf(only(run, "aws:sqs/queuePolicy:QueuePolicy"));
    assert.deepEqual(statement.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(statement.Condition, {
      ArnEquals: { "aws:SourceArn": only(run, "aws:cloudwatch/eventRule:EventRule").outputs.arn },
    });

    const alarm = only(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(alarm.inputs.dimensions, { QueueName: queue().outputs.name });
    assert.equal(alarm.inputs.metricName, "ApproximateNumberOfMessagesVisible");
    assert.deepEqual(alarm.inputs.alarmActions, [topicArn]);
  });

  it("keeps reports in a secure bucket that expires them after the configured days", () => {
    const rules = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
      .rules as Record<string, unknown>[];
    assert.deepEqual(
      rules.find((r) => r.id === "expire-objects"),
      { id: "expire-objects", status: "Enabled", filter: { prefix: "reports/" }, expiration: { days: 30 } },
    );
    assert.equal(ofType(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").length, 1);
    const logGroup = only(run, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroup.inputs.name, "/aws/lambda/report");
  });
});
