import assert from "node:assert/strict";
import { AuditTrail, auditMetricFilters } from "../../components/audit-trail";
import {
  bucketDefaultEncryption,
  defaultTestConfig,
  grants,
  ofType,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "./support/run-queries";

const topicArn = "arn:aws:sns:us-east-1:123456789012:alerts";
const logsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/logs";
const reportsBucketArn = "arn:aws:s3:::shop-test-reports";

describe("AuditTrail", () => {
  let run: Awaited<ReturnType<typeof runUnderMocks>>;
  before(async () => {
    run = await runUnderMocks(
      () => {
        new AuditTrail("audit", {
          alertTopicArn: topicArn,
          logRetentionDays: 30,
          bucketExpirationDays: 90,
          forceDestroy: true,
          logsKmsKeyArn: logsKeyArn,
          objectEventBucketArns: [reportsBucketArn],
        });
      },
      { stack: "test", config: defaultTestConfig },
    );
  });

  const trail = () => only(run, "aws:cloudtrail/trail:Trail");
  const trailKey = () => only(run, "aws:kms/key:Key");
  const logGroup = () => only(run, "aws:cloudwatch/logGroup:LogGroup");

  it("records every management event and the object events of the buckets it is given", () => {
    assert.deepEqual(trail().inputs.advancedEventSelectors, [
      { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
      {
        name: "Object events of the stack's data buckets",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWiths: [`${reportsBucketArn}/`] },
        ],
      },
    ]);
  });

  it("keeps its bucket's default encryption on the trail's own key", () => {
    assert.deepEqual(bucketDefaultEncryption(run), {
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: trailKey().outputs.arn,
    });
  });

  it("records every region with log file validation, encrypted with its own rotating key", () => {
    const inputs = trail().inputs;
    assert.equal(inputs.name, "audit");
    assert.equal(inputs.isMultiRegionTrail, true);
    assert.equal(inputs.includeGlobalServiceEvents, true);
    assert.equal(inputs.enableLogFileValidation, true);
    assert.equal(inputs.kmsKeyId, trailKey().outputs.arn);
    assert.equal(trailKey().inputs.enableKeyRotation, true);
    assert.equal(inputs.s3BucketName, only(run, "aws:s3/bucket:Bucket").outputs.bucket);
  });

  it("binds the key and bucket policies to this trail's ARN (computed before the trail exists)", () => {
    const trailArn = trail().outputs.arn as string;
    assert.equal(trailArn, "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit");

    const keyStatements = statementsOf(trailKey());
    const encrypt = statement(keyStatements, "CloudTrailEncryptLogFiles");
    assert.deepEqual(encrypt.Action, "kms:GenerateDataKey");
    assert.deepEqual(encrypt.Condition, {
      StringEquals: { "aws:SourceArn": trailArn },
      StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
    });
    assert.deepEqual(statement(keyStatements, "CloudTrailDescribeKey").Condition, {
      StringEquals: { "aws:SourceArn": trailArn },
    });

    const bucket = only(run, "aws:s3/bucket:Bucket").outputs.arn as string;
    const bucketStatements = statementsOf(only(run, "aws:s3/bucketPolicy:BucketPolicy"));
    assert.deepEqual(statement(bucketStatements, "CloudTrailAclCheck"), {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Action: "s3:GetBucketAcl",
      Resource: bucket,
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceArn": trailArn } },
    });
    assert.deepEqual(statement(bucketStatements, "CloudTrailWriteLogFiles"), {
      Sid: "CloudTrailWriteLogFiles",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: `${bucket}/AWSLogs/123456789012/*`,
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
    assert.equal(statement(bucketStatements, "DenyInsecureTransport").Effect, "Deny");
    assert.ok(
      trail().dependencies.includes(only(run, "aws:s3/bucketPolicy:BucketPolicy").urn),
      "the trail waits for its bucket policy",
    );
  });

  it("delivers to a retained, encrypted log group through a role that may write only to that group", () => {
    assert.deepEqual(
      [logGroup().inputs.name, logGroup().inputs.retentionInDays, logGroup().inputs.kmsKeyId],
      ["/aws/cloudtrail/audit", 30, logsKeyArn],
    );
    const streams = `${logGroup().outputs.arn as string}:*`;
    assert.equal(trail().inputs.cloudWatchLogsGroupArn, streams);
    const role = only(run, "aws:iam/role:Role");
    assert.equal(role.inputs.name, "audit-delivery");
    assert.equal(trail().inputs.cloudWatchLogsRoleArn, role.outputs.arn);
    assert.deepEqual(statementsOf(role, "assumeRolePolicy")[0].Principal, {
      Service: "cloudtrail.amazonaws.com",
    });
    assert.deepEqual(grants(statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy"))), [
      `logs:CreateLogStream on ${streams}`,
      `logs:PutLogEvents on ${streams}`,
    ]);
  });

  it("expires log files from the bucket after the configured days and allows force-delete when asked", () => {
    assert.equal(only(run, "aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    const rules = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
      .rules as Record<string, unknown>[];
    assert.deepEqual(rules.find((r) => r.id === "expire-objects")!.expiration, { days: 90 });
  });

  it("alarms to the topic on unauthorized calls, root account use and IAM policy changes", () => {
    const filters = ofType(run, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(
      filters.map((f) => f.inputs.pattern).sort(),
      Object.values(auditMetricFilters)
        .map((f) => f.pattern)
        .sort(),
    );
    for (const filter of filters) {
      assert.equal(filter.inputs.logGroupName, "/aws/cloudtrail/audit");
      const metric = filter.inputs.metricTransformation as { name: string; namespace: string };
      const alarm = alarms.find(
        (a) => a.inputs.metricName === metric.name && a.inputs.namespace === metric.namespace,
      );
      assert.ok(alarm, `an alarm watches ${metric.name}`);
      assert.deepEqual(alarm.inputs.alarmActions, [topicArn]);
      assert.equal(alarm.inputs.threshold, 1);
    }
    assert.equal(alarms.length, 3);
    assert.match(auditMetricFilters["root-account-usage"].pattern, /\$\.userIdentity\.type = "Root"/);
  });
});
