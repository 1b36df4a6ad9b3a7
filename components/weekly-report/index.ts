/**
 * WeeklyReport: every Monday 01:00 UTC an EventBridge rule invokes the report function (the app image with
 * the report handler as its command), which reads last week's orders through the orders table's week
 * index and writes the report under `reports/` in its own SecureBucket. Its role may do exactly that.
 *
 * Failures do not vanish: EventBridge retries delivery and parks undeliverable events in a dead-letter
 * queue; Lambda retries the asynchronous invocation and sends a failed run's event to the same queue;
 * a message in the queue raises an alarm on the alert topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { reportTableAccess } from "../../app/data/tables";
import { ContainerFunction, type LambdaArchitecture } from "../container-function";
import type { TableReference } from "../data-tables";
import { EncryptionKey } from "../encryption-key";
import { SecureBucket } from "../secure-bucket";
import { onAnyOccurrence } from "../shared/alarms";
import { awsContext } from "../shared/aws-context";
import { decryptThrough, policyDocument } from "../shared/policy-documents";

export interface WeeklyReportArgs {
  /** Days KMS waits before deleting the reports' key once it leaves the stack (7..30). Default: 30. */
  readonly kmsKeyDeletionWindowDays?: pulumi.Input<number>;
  /** Image to run, pinned by digest. Required. */
  readonly imageUri: pulumi.Input<string>;
  /** The orders table (queried through its week index). Required. */
  readonly ordersTable: TableReference;
  /** The products table's name (PRODUCTS_TABLE; the job needs no access to it). Required. */
  readonly productsTableName: pulumi.Input<string>;
  /** Customer-managed key of the tables, if any. Default: none. */
  readonly tablesKmsKeyArn?: pulumi.Input<string>;
  /** Topic the failure alarm notifies. Required. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Handler command in the image. Default: ["report/index.handler"]. */
  readonly command?: pulumi.Input<string>[];
  /** EventBridge schedule expression (UTC). Default: "cron(0 1 ? * MON *)", Monday 01:00. */
  readonly scheduleExpression?: pulumi.Input<string>;
  /** Physical function name. Default: the component's name. */
  readonly functionName?: string;
  /** Memory in MB. Default: 1024. */
  readonly memorySize?: pulumi.Input<number>;
  /** Timeout in seconds. Default: 300. */
  readonly timeout?: pulumi.Input<number>;
  /** Reserved concurrent executions. Default: 1 (one report at a time). */
  readonly reservedConcurrency?: pulumi.Input<number>;
  /** Architecture of the image. Default: "x86_64". */
  readonly architecture?: pulumi.Input<LambdaArchitecture>;
  /** Retries of a failed run (Lambda asynchronous invocation, 0..2). Default: 2. */
  readonly retryAttempts?: pulumi.Input<number>;
  /** Days after which S3 expires a report. Default: 365. */
  readonly reportExpirationDays?: pulumi.Input<number>;
  /** Lets `pulumi destroy` delete the bucket with its reports. Default: false. */
  readonly forceDestroy?: pulumi.Input<boolean>;
  /** Retention of the function's log group in days. Default: 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** KMS key for the log group. Default: CloudWatch Logs' own encryption. */
  readonly logsKmsKeyArn?: pulumi.Input<string>;
  /** LOG_LEVEL and the Lambda application log level. Default: "INFO". */
  readonly logLevel?: pulumi.Input<string>;
}

export const reportsPrefix = "reports/";

export class WeeklyReport extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** The reports' KMS key: whoever reads or writes a report through S3 needs it too. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly scheduleRuleArn: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly failureAlarmArn: pulumi.Output<string>;

  constructor(name: string, args: WeeklyReportArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:report:WeeklyReport", name, {}, opts);

    const command = args.command ?? ["report/index.handler"];
    const scheduleExpression = args.scheduleExpression ?? "cron(0 1 ? * MON *)";
    const functionName = args.functionName ?? name;
    const memorySize = args.memorySize ?? 1024;
    const timeout = args.timeout ?? 300;
    const reservedConcurrency = args.reservedConcurrency ?? 1;
    const retryAttempts = args.retryAttempts ?? 2;
    const reportExpirationDays = args.reportExpirationDays ?? 365;
    const forceDestroy = args.forceDestroy ?? false;
    const logLevel = args.logLevel ?? "INFO";

    const { region } = awsContext(this);

    // Sales figures are business data: encrypted with a key of the stack's own (SSE-KMS), so reading a
    // report takes kms:Decrypt on it as well as s3:GetObject, and CloudTrail records each use.
    const key = new EncryptionKey(
      `${name}-key`,
      {
        description: `Encrypts the weekly reports of ${name}`,
        deletionWindowInDays: args.kmsKeyDeletionWindowDays,
      },
      { parent: this },
    );
    const bucket = new SecureBucket(
      `${name}-bucket`,
      {
        forceDestroy,
        expirationDays: reportExpirationDays,
        expirationPrefix: reportsPrefix,
        kmsKeyArn: key.keyArn,
      },
      { parent: this },
    );

    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: `${name}-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 },
      { parent: this },
    );

    const fn = new ContainerFunction(
      `${name}-function`,
      {
        functionName,
        description: "Shop weekly sales report",
        imageUri: args.imageUri,
        command,
        memorySize,
        timeout,
        reservedConcurrentExecutions: reservedConcurrency,
        architecture: args.architecture,
        logRetentionDays: args.logRetentionDays,
        logsKmsKeyArn: args.logsKmsKeyArn,
        applicationLogLevel: logLevel,
        environment: {
          ORDERS_TABLE: args.ordersTable.name,
          PRODUCTS_TABLE: args.productsTableName,
          REPORTS_BUCKET: bucket.bucketName,
          POWERTOOLS_SERVICE_NAME: "shop-report",
          LOG_LEVEL: logLevel,
        },
        policyStatements: [
          {
            sid: "QueryOrdersByWeek",
            effect: "Allow",
            actions: [...reportTableAccess.actions],
            resources: [pulumi.interpolate`${args.ordersTable.arn}/index/${reportTableAccess.index}`],
          },
          {
            sid: "WriteReports",
            effect: "Allow",
            actions: ["s3:PutObject"],
            resources: [pulumi.interpolate`${bucket.bucketArn}/${reportsPrefix}*`],
          },
          {
            // A single PutObject under SSE-KMS needs a data key, and only through S3.
            sid: "EncryptReports",
            effect: "Allow",
            actions: ["kms:GenerateDataKey"],
            resources: [key.keyArn],
            conditions: [
              {
                test: "StringEquals",
                variable: "kms:ViaService",
                values: [pulumi.interpolate`s3.${region}.amazonaws.com`],
              },
            ],
          },
          {
            // Lambda sends a failed asynchronous run's event to the on-failure destination as the function.
            sid: "SendFailedRuns",
            effect: "Allow",
            actions: ["sqs:SendMessage"],
            resources: [deadLetterQueue.arn],
          },
          ...(args.tablesKmsKeyArn
            ? [
                decryptThrough(
                  "DecryptTables",
                  args.tablesKmsKeyArn,
                  pulumi.interpolate`dynamodb.${region}.amazonaws.com`,
                ),
              ]
            : []),
        ],
      },
      { parent: this },
    );

    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: fn.functionName,
        maximumRetryAttempts: retryAttempts,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: deadLetterQueue.arn } },
      },
      { parent: this },
    );

    const schedule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      { name: `${name}-schedule`, description: "Runs the weekly sales report", scheduleExpression },
      { parent: this },
    );

    new aws.cloudwatch.EventTarget(
      `${name}-schedule-target`,
      {
        rule: schedule.name,
        arn: fn.functionArn,
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: deadLetterQueue.arn },
      },
      { parent: this },
    );

    new aws.lambda.Permission(
      `${name}-schedule-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.functionName,
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      { parent: this },
    );

    new aws.sqs.QueuePolicy(
      `${name}-dlq-policy`,
      {
        queueUrl: deadLetterQueue.url,
        policy: policyDocument(this, [
          {
            sid: "ScheduleDeadLetters",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
            actions: ["sqs:SendMessage"],
            resources: [deadLetterQueue.arn],
            conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [schedule.arn] }],
          },
        ]),
      },
      { parent: this },
    );

    const failureAlarm = new aws.cloudwatch.MetricAlarm(
      `${name}-failed`,
      {
        name: `${name}-failed`,
        alarmDescription:
          "A weekly report run failed after its retries (its event is in the dead-letter queue)",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: deadLetterQueue.name },
        statistic: "Maximum",
        ...onAnyOccurrence,
        alarmActions: [args.alertTopicArn],
        okActions: [args.alertTopicArn],
      },
      { parent: this },
    );

    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.kmsKeyArn = key.keyArn;
    this.functionName = fn.functionName;
    this.functionArn = fn.functionArn;
    this.scheduleRuleArn = schedule.arn;
    this.deadLetterQueueArn = deadLetterQueue.arn;
    this.failureAlarmArn = failureAlarm.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      functionName: this.functionName,
      functionArn: this.functionArn,
      scheduleRuleArn: this.scheduleRuleArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      failureAlarmArn: this.failureAlarmArn,
    });
  }
}
