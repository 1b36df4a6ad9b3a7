/**
 * ContainerFunction: a Lambda function that runs a container image, with everything a function needs to
 * be observable and nothing more: its own execution role, its log group `/aws/lambda/<function name>`
 * created explicitly (retention set, optional KMS key) before the function, X-Ray active tracing, JSON
 * logs, and an inline policy that may write only to that log group plus the statements the caller adds.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  logStreamsArn,
  policyDocument,
  serviceTrustStatement,
  type PolicyStatement,
} from "../shared/policy-documents";

export type LambdaArchitecture = "x86_64" | "arm64";

export interface ContainerFunctionArgs {
  /** Image to run, pinned by digest (`<repository>@sha256:...`). Required. */
  readonly imageUri: pulumi.Input<string>;
  /** Physical function name (also names the log group). Default: the component's name. */
  readonly functionName?: pulumi.Input<string>;
  /**
   * Name of the execution role. Default: the function name, so a deploy role's `iam:PassRole` can name it
   * exactly.
   */
  readonly roleName?: pulumi.Input<string>;
  /** Overrides the image's CMD, e.g. ["report/index.handler"]. Default: the image's CMD. */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** What the function does (Lambda console). Default: none. */
  readonly description?: pulumi.Input<string>;
  /** Memory in MB. Default: 512. */
  readonly memorySize?: pulumi.Input<number>;
  /** Timeout in seconds. Default: 10. */
  readonly timeout?: pulumi.Input<number>;
  /** Reserved concurrent executions. Default: 1, so a new function can never starve the account. */
  readonly reservedConcurrentExecutions?: pulumi.Input<number>;
  /** Instruction set the image was built for. Default: "x86_64". */
  readonly architecture?: pulumi.Input<LambdaArchitecture>;
  /** Environment variables; names and references only, never secret values. Default: none. */
  readonly environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Least-privilege statements the function needs besides its logs and X-Ray. Default: none. */
  readonly policyStatements?: pulumi.Input<PolicyStatement>[];
  /** Retention of the function's log group in days. Default: 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** KMS key that encrypts the log group. Default: CloudWatch Logs' own encryption. */
  readonly logsKmsKeyArn?: pulumi.Input<string>;
  /** Lambda application log level (TRACE..FATAL). Default: "INFO". */
  readonly applicationLogLevel?: pulumi.Input<string>;
}

export class ContainerFunction extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly invokeArn: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly logGroupArn: pulumi.Output<string>;

  constructor(name: string, args: ContainerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:lambda:ContainerFunction", name, {}, opts);

    const functionName = args.functionName ?? name;
    const roleName = args.roleName ?? functionName;
    const memorySize = args.memorySize ?? 512;
    const timeout = args.timeout ?? 10;
    const reservedConcurrentExecutions = args.reservedConcurrentExecutions ?? 1;
    const architecture = args.architecture ?? "x86_64";
    const logRetentionDays = args.logRetentionDays ?? 30;
    const applicationLogLevel = args.applicationLogLevel ?? "INFO";
    const policyStatements = args.policyStatements ?? [];

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: pulumi.interpolate`/aws/lambda/${functionName}`,
        retentionInDays: logRetentionDays,
        kmsKeyId: args.logsKmsKeyArn,
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleName,
        description: pulumi.interpolate`Execution role of the Lambda function ${functionName}`,
        assumeRolePolicy: policyDocument(this, [serviceTrustStatement("lambda.amazonaws.com")]),
      },
      { parent: this },
    );

    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: policyDocument(this, [
          {
            sid: "WriteOwnLogs",
            effect: "Allow",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [logStreamsArn(logGroup.arn)],
          },
          {
            // These X-Ray actions have no resource-level permissions: AWS accepts only "*".
            sid: "PutTraces",
            effect: "Allow",
            actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            resources: ["*"],
          },
          ...policyStatements,
        ]),
      },
      { parent: this },
    );

    const fn = new aws.lambda.Function(
      name,
      {
        name: functionName,
        description: args.description,
        packageType: "Image",
        imageUri: args.imageUri,
        imageConfig: args.command ? { commands: args.command } : undefined,
        role: role.arn,
        architectures: [architecture],
        memorySize,
        timeout,
        reservedConcurrentExecutions,
        tracingConfig: { mode: "Active" },
        loggingConfig: {
          logFormat: "JSON",
          logGroup: logGroup.name,
          applicationLogLevel,
          systemLogLevel: "INFO",
        },
        environment: args.environment ? { variables: args.environment } : undefined,
      },
      // The log group and the permissions must exist before the first invocation can log or trace.
      { parent: this, dependsOn: [logGroup, rolePolicy] },
    );

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.invokeArn = fn.invokeArn;
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      invokeArn: this.invokeArn,
      roleArn: this.roleArn,
      roleName: this.roleName,
      logGroupName: this.logGroupName,
      logGroupArn: this.logGroupArn,
    });
  }
}
