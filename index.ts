/**
 * The shop-infra Pulumi program. It reads the stack's settings (Pulumi.yaml schema + Pulumi.<stack>.yaml),
 * creates one AWS provider whose default tags (project, stack, owner) reach every resource, composes the
 * components for the kind of stack the config names, and returns the stack outputs.
 *
 * The program is a function (the Pulumi language host calls an exported function and uses its result as
 * the stack outputs), so it can run again in the same process with different config: see
 * scripts/lib/program-under-mocks.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { version } from "./package.json";
import { ApiService } from "./components/api-service";
import { AppImage, contentTag } from "./components/app-image";
import { AuditTrail } from "./components/audit-trail";
import { ContainerRegistry } from "./components/container-registry";
import { DataTables } from "./components/data-tables";
import { EncryptionKey } from "./components/encryption-key";
import { JwtSigningKey } from "./components/jwt-signing-key";
import { AlertTopic, Monitoring } from "./components/monitoring";
import { readStackSettings, type StackSettings } from "./components/stack-config";
import { VulnerabilityScanning } from "./components/vulnerability-scanning";
import { WeeklyReport } from "./components/weekly-report";

/** The outputs of an app stack. */
interface AppStackOutputs {
  readonly apiUrl: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
  readonly reportsBucket: pulumi.Output<string>;
  readonly alertTopicArn: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly imageDigest: pulumi.Output<string>;
}

/** The shop: registry and image, data, secret, API, weekly report, and the security and monitoring around them. */
function appStack(settings: StackSettings, opts: pulumi.ComponentResourceOptions): AppStackOutputs {
  const prefix = settings.resourcePrefix;
  const keyDeletionWindow = settings.kmsDeletionWindowDays;

  const logsKey = new EncryptionKey(
    `${prefix}-logs-key`,
    {
      description: `Encrypts the CloudWatch log groups of ${prefix}`,
      deletionWindowInDays: keyDeletionWindow,
      allowCloudWatchLogs: true,
    },
    opts,
  );

  const findingsRuleName = `${prefix}-inspector-findings`;
  const alerts = new AlertTopic(
    `${prefix}-alerts`,
    {
      email: settings.alarmEmail,
      eventRuleNames: [findingsRuleName],
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  new VulnerabilityScanning(`${prefix}-scanning`, { alertTopicArn: alerts.topicArn, findingsRuleName }, opts);

  new AuditTrail(
    `${prefix}-audit`,
    {
      alertTopicArn: alerts.topicArn,
      logRetentionDays: settings.auditLogRetentionDays,
      bucketExpirationDays: settings.auditBucketExpirationDays,
      forceDestroy: settings.forceDelete,
      logsKmsKeyArn: logsKey.keyArn,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  const registry = new ContainerRegistry(
    `${prefix}-registry`,
    {
      repositoryName: `${prefix}-app`,
      forceDelete: settings.forceDelete,
      untaggedImageExpiryDays: settings.untaggedImageExpiryDays,
      releaseImagesToKeep: settings.releaseImagesToKeep,
      pullerFunctionNamePattern: `${prefix}-*`,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  const buildArgs: Record<string, string> = settings.lambdaBaseDigest
    ? { LAMBDA_BASE_DIGEST: settings.lambdaBaseDigest }
    : {};
  const image = new AppImage(
    `${prefix}-app-image`,
    {
      repositoryUrl: registry.repositoryUrl,
      registryId: registry.registryId,
      tag: settings.imageTag ?? contentTag(version, __dirname, buildArgs),
      contextPath: __dirname,
      platform: settings.architecture === "arm64" ? "linux/arm64" : "linux/amd64",
      buildArgs,
    },
    opts,
  );

  const data = new DataTables(
    `${prefix}-tables`,
    {
      tableNamePrefix: prefix,
      deletionProtection: settings.deletionProtection,
      customerManagedKey: settings.tablesCustomerManagedKey,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  const jwtKey = new JwtSigningKey(
    `${prefix}-jwt-signing-key`,
    { recoveryWindowInDays: settings.secretRecoveryWindowDays, kmsKeyDeletionWindowDays: keyDeletionWindow },
    opts,
  );

  const report = new WeeklyReport(
    `${prefix}-report`,
    {
      imageUri: image.imageUri,
      ordersTable: data.tables.orders,
      productsTableName: data.tables.products.name,
      tablesKmsKeyArn: data.kmsKeyArn,
      alertTopicArn: alerts.topicArn,
      scheduleExpression: settings.report.scheduleExpression,
      memorySize: settings.report.memoryMb,
      timeout: settings.report.timeoutSeconds,
      reservedConcurrency: settings.report.reservedConcurrency,
      architecture: settings.architecture,
      reportExpirationDays: settings.report.expirationDays,
      forceDestroy: settings.forceDelete,
      logRetentionDays: settings.logRetentionDays,
      logsKmsKeyArn: logsKey.keyArn,
      logLevel: settings.logLevel,
    },
    opts,
  );

  const api = new ApiService(
    `${prefix}-api`,
    {
      imageUri: image.imageUri,
      tables: data.tables,
      tablesKmsKeyArn: data.kmsKeyArn,
      jwtSecretArn: jwtKey.secretArn,
      jwtSecretKmsKeyArn: jwtKey.kmsKeyArn,
      reportsBucket: { name: report.bucketName, arn: report.bucketArn },
      jwtIssuer: settings.api.jwtIssuer,
      jwtAudience: settings.api.jwtAudience,
      corsOrigins: settings.api.corsOrigins,
      memorySize: settings.api.memoryMb,
      timeout: settings.api.timeoutSeconds,
      reservedConcurrency: settings.api.reservedConcurrency,
      architecture: settings.architecture,
      logRetentionDays: settings.logRetentionDays,
      logsKmsKeyArn: logsKey.keyArn,
      logLevel: settings.logLevel,
      throttlingRateLimit: settings.api.throttlingRateLimit,
      throttlingBurstLimit: settings.api.throttlingBurstLimit,
      domain: settings.api.domain,
    },
    opts,
  );

  const monitoring = new Monitoring(
    `${prefix}-monitoring`,
    {
      alertTopicArn: alerts.topicArn,
      functions: [
        { label: "api", functionName: api.functionName, timeoutSeconds: settings.api.timeoutSeconds },
        {
          label: "report",
          functionName: report.functionName,
          timeoutSeconds: settings.report.timeoutSeconds,
        },
      ],
      api: { apiId: api.apiId, stage: api.stageName },
      tables: Object.entries(data.tables).map(([label, table]) => ({ label, tableName: table.name })),
    },
    opts,
  );

  return {
    apiUrl: api.url,
    repositoryUrl: registry.repositoryUrl,
    reportsBucket: report.bucketName,
    alertTopicArn: alerts.topicArn,
    dashboardUrl: monitoring.dashboardUrl,
    imageDigest: image.digest,
  };
}

/** The delivery pipeline's stack (issue 5) composes the CiPipeline component from components/ci-pipeline. */
function ciStack(settings: StackSettings): never {
  throw new Error(
    `Stack "${settings.stack}" sets shop-infra:stackKind to "ci", but this program does not compose the CiPipeline ` +
      "component yet (components/ci-pipeline, issue 5).",
  );
}

export = async (): Promise<Record<string, unknown>> => {
  const settings = readStackSettings();
  const provider = new aws.Provider(`${settings.resourcePrefix}-aws`, {
    region: settings.region as aws.Region,
    defaultTags: { tags: { project: settings.project, stack: settings.stack, owner: settings.owner } },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
  switch (settings.stackKind) {
    case "app":
      return { ...appStack(settings, opts) };
    case "ci":
      return ciStack(settings);
  }
};
