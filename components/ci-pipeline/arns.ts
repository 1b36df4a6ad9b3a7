/**
 * ARNs the pipeline's IAM documents name before the resources exist: CodeBuild projects and report groups
 * (their names are fixed by the component), the Pulumi state objects of one stack, and the connection's
 * service prefix. Pure functions of plain strings, so the policies and the tests agree on every ARN.
 */

/** Where a statement applies: the partition, region and account of the pipeline. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function codeBuildProjectArn(scope: ArnScope, projectName: string): string {
  return `arn:${scope.partition}:codebuild:${scope.region}:${scope.accountId}:project/${projectName}`;
}

/** CodeBuild names the report group of buildspec report `<report>` in project `<project>` `<project>-<report>`. */
export function codeBuildReportGroupArn(scope: ArnScope, projectName: string, reportName: string): string {
  return `arn:${scope.partition}:codebuild:${scope.region}:${scope.accountId}:report-group/${projectName}-${reportName}`;
}

export function codePipelineArn(scope: ArnScope, pipelineName: string): string {
  return `arn:${scope.partition}:codepipeline:${scope.region}:${scope.accountId}:${pipelineName}`;
}

export function logGroupArn(scope: ArnScope, logGroupName: string): string {
  return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}`;
}

export function roleArn(scope: ArnScope, roleName: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${roleName}`;
}

/**
 * The IAM service prefix of a connection ARN: `codeconnections` for connections made since the 2024
 * rename, `codestar-connections` for older ones. Their actions must use the matching prefix.
 */
export function connectionServicePrefix(connectionArn: string): "codeconnections" | "codestar-connections" {
  const service = connectionArn.split(":")[2];
  if (service !== "codeconnections" && service !== "codestar-connections") {
    throw new Error(`"${connectionArn}" is not a CodeConnections connection ARN`);
  }
  return service;
}

/**
 * The objects a DIY (S3) backend keeps for one stack of a project, relative to the bucket: the checkpoint
 * (`<stack>.json` and its `.bak`), update history, backups, the journal of an update in progress and the
 * update lock (under the fully qualified `organization/<project>/<stack>`). `pulumi login` also reads the
 * backend's `meta.yaml`.
 */
export function pulumiStateObjectKeys(
  project: string,
  stack: string,
): {
  readonly checkpoint: string;
  readonly history: string;
  readonly backups: string;
  readonly journal: string;
  readonly locks: string;
  readonly meta: string;
} {
  return {
    checkpoint: `.pulumi/stacks/${project}/${stack}.json*`,
    history: `.pulumi/history/${project}/${stack}/*`,
    backups: `.pulumi/backups/${project}/${stack}/*`,
    journal: `.pulumi/journal/${project}/${stack}/*`,
    locks: `.pulumi/locks/organization/${project}/${stack}/*`,
    meta: ".pulumi/meta.yaml",
  };
}
