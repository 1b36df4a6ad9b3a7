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
import { CiPipeline, PipelineNotifications } from "./components/ci-pipeline";
import { ContainerRegistry } from "./components/container-registry";
import { DataTables } from "./components/data-tables";
import { EncryptionKey } from "./components/encryption-key";
import { JwtSigningKey } from "./components/jwt-signing-key";
import { AlertTopic, Monitoring } from "./components/monitoring";
import { readStackSettings, type CiSettings, type StackSettings } from "./components/stack-config";
import { VulnerabilityScanning } from "./components/vulnerability-scanning";
import { WeeklyReport } from "./components/weekly-report";

/** What the functions need of an image: its digest-pinned URI. */
interface RunnableImage {
  readonly imageUri: pulumi.Output<string>;
  readonly digest: pulumi.Output<string>;
}

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
      // Personal data, and often a `secure:` value in the stack file: kept encrypted in the state either way.
      email: settings.alarmEmail === undefined ? undefined : pulumi.secret(settings.alarmEmail),
      eventRuleNames: [findingsRuleName],
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  new VulnerabilityScanning(`${prefix}-scanning`, { alertTopicArn: alerts.topicArn, findingsRuleName }, opts);

  const registry = new ContainerRegistry(
    `${prefix}-registry`,
    {
      repositoryName: `${prefix}-app`,
      forceDelete: settings.forceDelete,
      untaggedImageExpiryDays: settings.untaggedImageExpiryDays,
      releaseImagesToKeep: settings.releaseImagesToKeep,
      pullerFunctionNamePattern: `${prefix}-*`,
      manageRegistryScanning: settings.manageRegistryScanning,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  const image = settings.imageUri ? prebuiltImage(settings.imageUri) : buildImage(settings, registry, opts);

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
    {
      imageUri: image.imageUri,
      rotationDays: settings.jwtRotationDays,
      architecture: settings.architecture,
      logRetentionDays: settings.logRetentionDays,
      logsKmsKeyArn: logsKey.keyArn,
      logLevel: settings.logLevel,
      recoveryWindowInDays: settings.secretRecoveryWindowDays,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
    },
    opts,
  );

  const report = new WeeklyReport(
    `${prefix}-report`,
    {
      imageUri: image.imageUri,
      ordersTable: data.tables.orders,
      productsTableName: data.tables.products.name,
      tablesKmsKeyArn: data.kmsKeyArn,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
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

  new AuditTrail(
    `${prefix}-audit`,
    {
      alertTopicArn: alerts.topicArn,
      logRetentionDays: settings.auditLogRetentionDays,
      bucketExpirationDays: settings.auditBucketExpirationDays,
      forceDestroy: settings.forceDelete,
      logsKmsKeyArn: logsKey.keyArn,
      kmsKeyDeletionWindowDays: keyDeletionWindow,
      objectEventBucketArns: [report.bucketArn],
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
      reportsBucket: { name: report.bucketName, arn: report.bucketArn, kmsKeyArn: report.kmsKeyArn },
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
      authThrottling: settings.api.authThrottling,
      authLimits: settings.api.authLimits,
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
      authMetrics: { serviceName: api.metricsServiceName },
      dependencyMetrics: { serviceName: api.metricsServiceName },
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

/** The image the functions run, built from this tree and pushed to the stack's own repository. */
function buildImage(
  settings: StackSettings,
  registry: ContainerRegistry,
  opts: pulumi.ComponentResourceOptions,
): RunnableImage {
  const buildArgs: Record<string, string> = {
    ...(settings.lambdaBaseDigest ? { LAMBDA_BASE_DIGEST: settings.lambdaBaseDigest } : {}),
    // The image's code caches are filled under the Lambda runtime's flags for this memory size (Dockerfile).
    API_MEMORY_SIZES: String(settings.api.memoryMb),
  };
  return new AppImage(
    `${settings.resourcePrefix}-app-image`,
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
}

/** An image built and scanned elsewhere (the CI build), named by digest in `shop-infra:imageUri`. */
function prebuiltImage(imageUri: string): RunnableImage {
  return {
    imageUri: pulumi.output(imageUri),
    digest: pulumi.output(imageUri.slice(imageUri.indexOf("@") + 1)),
  };
}

/** The delivery pipeline (issue 5): CodePipeline and CodeBuild projects that build, preview and deploy the app stacks. */
function ciStack(settings: StackSettings, ci: CiSettings, opts: pulumi.ComponentResourceOptions) {
  const pipeline = new CiPipeline(
    settings.resourcePrefix,
    {
      connectionArn: ci.connectionArn,
      repository: ci.repository,
      branch: ci.branch,
      stateBucketName: ci.stateBucket,
      stateKeyArn: ci.stateKeyArn,
      lambdaBaseDigest: ci.lambdaBaseDigest,
      appNamePrefix: settings.namePrefix,
      passRoleSuffixes: ci.passRoleSuffixes,
      pulumiProject: settings.project,
      logRetentionDays: settings.logRetentionDays,
      forceDelete: settings.forceDelete,
      kmsDeletionWindowDays: settings.kmsDeletionWindowDays,
    },
    opts,
  );
  // The CodePipeline path's "notify" stage: every run's outcome to a topic, by email when alarmEmail is set.
  const runsRuleName = `${settings.resourcePrefix}-pipeline-runs`;
  const pipelineAlerts = new AlertTopic(
    `${settings.resourcePrefix}-pipeline-alerts`,
    {
      email: settings.alarmEmail === undefined ? undefined : pulumi.secret(settings.alarmEmail),
      eventRuleNames: [runsRuleName],
      kmsKeyDeletionWindowDays: settings.kmsDeletionWindowDays,
    },
    opts,
  );
  new PipelineNotifications(
    `${settings.resourcePrefix}-pipeline`,
    { pipelineName: pipeline.pipelineName, alertTopicArn: pipelineAlerts.topicArn, ruleName: runsRuleName },
    opts,
  );
  return {
    pipelineAlertTopicArn: pipelineAlerts.topicArn,
    pipelineName: pipeline.pipelineName,
    artifactBucketName: pipeline.artifactBucketName,
    imageRepositoryUrl: pipeline.imageRepositoryUrl,
    buildProjectName: pipeline.buildProjectName,
    previewProjectName: pipeline.previewProjectName,
    deployProjectNames: pipeline.deployProjectNames,
    githubActionsRoleArn: pipeline.githubActionsRoleArn,
    githubPreviewRoleArn: pipeline.githubPreviewRoleArn,
    githubDeployRoleArns: pipeline.githubDeployRoleArns,
  };
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
      if (!settings.ci) throw new Error("readStackSettings returns ci settings for every ci stack");
      return { ...ciStack(settings, settings.ci, opts) };
  }
};
