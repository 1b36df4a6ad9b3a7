/**
 * The IAM documents of the pipeline's roles, as pure functions of resolved ARNs: each role gets the exact
 * actions its job performs on the exact resources the pipeline created (its own log group, the artifact
 * bucket and key, the image repository, the connection, the Pulumi state of its stacks). Trust policies
 * bind each service role to the one project or pipeline that uses it (confused-deputy protection).
 */
import type * as aws from "@pulumi/aws";
import { appStackStatements, type DeployTarget } from "./deploy-permissions";
import type { GithubIdentity } from "./github-identities";
import {
  codeBuildProjectArn,
  codeBuildReportGroupArn,
  codePipelineArn,
  connectionServicePrefix,
  pulumiStateObjectKeys,
  type ArnScope,
} from "./arns";

export type Statement = aws.types.input.iam.GetPolicyDocumentStatementArgs;

/** Everything the documents name, resolved to plain strings. */
export interface PipelineArns {
  readonly scope: ArnScope;
  readonly artifactBucketArn: string;
  readonly artifactKeyArn: string;
  readonly connectionArn: string;
  readonly imageRepositoryArn: string;
  readonly stateBucketArn: string;
  readonly stateKeyArn: string;
}

/** A CodeBuild project as its role sees it: its name and the ARN of its log group. */
export interface ProjectIdentity {
  readonly projectName: string;
  readonly logGroupArn: string;
}

/** Report groups `build.yml` publishes under `reports:`. */
export const buildReportNames = ["unit-tests", "sast", "coverage"] as const;

/** Lets one CodeBuild project, and only from this account, assume the role. */
export function codeBuildTrust(scope: ArnScope, projectName: string): Statement[] {
  return [
    {
      sid: "CodeBuildProjectAssumeRole",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }],
      actions: ["sts:AssumeRole"],
      conditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [scope.accountId] },
        { test: "ArnEquals", variable: "aws:SourceArn", values: [codeBuildProjectArn(scope, projectName)] },
      ],
    },
  ];
}

/** Lets the one pipeline, and only from this account, assume the role. */
export function codePipelineTrust(scope: ArnScope, pipelineName: string): Statement[] {
  return [
    {
      sid: "CodePipelineAssumeRole",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["codepipeline.amazonaws.com"] }],
      actions: ["sts:AssumeRole"],
      conditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [scope.accountId] },
        { test: "ArnEquals", variable: "aws:SourceArn", values: [codePipelineArn(scope, pipelineName)] },
      ],
    },
  ];
}

/** Statement ids of the GitHub trusts, by what the trusted subject names. */
const githubTrustSids = {
  "image-push": "GitHubActionsBranchAssumeRole",
  preview: "GitHubActionsPullRequestAssumeRole",
  deploy: "GitHubActionsEnvironmentAssumeRole",
} as const;

/**
 * GitHub Actions may assume the role only with a token minted for AWS STS (`aud`) for the one subject of
 * `identity` (`sub`: a branch, pull requests, or an environment of the one repository; see
 * github-identities.ts). Both are exact matches: no wildcard, no `IfExists`.
 */
export function githubActionsTrust(
  oidcProviderArn: string,
  oidcHost: string,
  identity: GithubIdentity,
): Statement[] {
  return [
    {
      sid: githubTrustSids[identity.purpose],
      effect: "Allow",
      principals: [{ type: "Federated", identifiers: [oidcProviderArn] }],
      actions: ["sts:AssumeRoleWithWebIdentity"],
      conditions: [
        { test: "StringEquals", variable: `${oidcHost}:aud`, values: ["sts.amazonaws.com"] },
        { test: "StringEquals", variable: `${oidcHost}:sub`, values: [identity.subject] },
      ],
    },
  ];
}

function writeOwnLogs(project: ProjectIdentity): Statement {
  return {
    sid: "WriteOwnLogs",
    effect: "Allow",
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [`${project.logGroupArn}:*`],
  };
}

/** What every project needs from the artifact bucket: its own cache prefix, the bucket's location, the key. */
function bucketBasics(arns: PipelineArns, project: ProjectIdentity): Statement[] {
  return [
    {
      sid: "UseOwnCache",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: [`${arns.artifactBucketArn}/cache/${project.projectName}/*`],
    },
    {
      sid: "LocateArtifactBucket",
      effect: "Allow",
      actions: ["s3:GetBucketAcl", "s3:GetBucketLocation"],
      resources: [arns.artifactBucketArn],
    },
    {
      // Artifacts and cache objects are encrypted with the pipeline's key.
      sid: "UseArtifactKey",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [arns.artifactKeyArn],
    },
  ];
}

/** Input artifacts of a pipeline action. */
function readArtifacts(arns: PipelineArns): Statement {
  return {
    sid: "ReadArtifacts",
    effect: "Allow",
    actions: ["s3:GetObject", "s3:GetObjectVersion"],
    resources: [`${arns.artifactBucketArn}/*`],
  };
}

/**
 * The image build: reads the source artifact (a full clone through the connection, for the history-wide
 * secret scan), publishes test, SAST and coverage reports, pushes the checked image, writes the artifact
 * the deploy stages run from.
 */
export function buildRoleStatements(arns: PipelineArns, project: ProjectIdentity): Statement[] {
  const connections = connectionServicePrefix(arns.connectionArn);
  return [
    writeOwnLogs(project),
    ...bucketBasics(arns, project),
    readArtifacts(arns),
    {
      sid: "WriteArtifacts",
      effect: "Allow",
      actions: ["s3:PutObject"],
      resources: [`${arns.artifactBucketArn}/*`],
    },
    {
      sid: "CloneThroughConnection",
      effect: "Allow",
      actions: [`${connections}:UseConnection`],
      resources: [arns.connectionArn],
    },
    {
      sid: "PublishReports",
      effect: "Allow",
      actions: [
        "codebuild:CreateReportGroup",
        "codebuild:CreateReport",
        "codebuild:UpdateReport",
        "codebuild:BatchPutTestCases",
        "codebuild:BatchPutCodeCoverages",
      ],
      resources: buildReportNames.map((report) =>
        codeBuildReportGroupArn(arns.scope, project.projectName, report),
      ),
    },
    ...imagePushStatements(arns.imageRepositoryArn),
  ];
}

/** Reading one stack's state and decrypting its secrets; `write` adds what `pulumi up` changes. */
export function stateAccess(
  arns: PipelineArns,
  project: string,
  stacks: readonly string[],
  write: boolean,
): Statement[] {
  const keys = stacks.map((stack) => pulumiStateObjectKeys(project, stack));
  const objectArn = (key: string) => `${arns.stateBucketArn}/${key}`;
  const statements: Statement[] = [
    {
      sid: "ReadStackState",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: [
        objectArn(".pulumi/meta.yaml"),
        ...keys.flatMap((k) => [
          objectArn(k.checkpoint),
          objectArn(k.history),
          objectArn(k.journal),
          objectArn(k.locks),
        ]),
      ],
    },
    {
      sid: "ListStackState",
      effect: "Allow",
      actions: ["s3:ListBucket"],
      resources: [arns.stateBucketArn],
      conditions: [{ test: "StringLike", variable: "s3:prefix", values: [".pulumi/*"] }],
    },
    {
      // The awskms:// secrets provider and the state bucket's default encryption share this key.
      sid: "DecryptStackSecrets",
      effect: "Allow",
      actions: write ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      resources: [arns.stateKeyArn],
    },
  ];
  if (write) {
    statements.push({
      sid: "WriteStackState",
      effect: "Allow",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: keys.flatMap((k) => [
        objectArn(k.checkpoint),
        objectArn(k.history),
        objectArn(k.backups),
        objectArn(k.journal),
        objectArn(k.locks),
      ]),
    });
  }
  return statements;
}

/**
 * Merge-request previews: the project checks the pull request out through the connection and runs
 * `pulumi preview`, which reads state and decrypts config but never writes (the DIY backend takes no lock
 * for a preview). Nothing here can change the stacks.
 */
export function previewRoleStatements(
  arns: PipelineArns,
  project: ProjectIdentity,
  pulumiProject: string,
  stacks: readonly string[],
): Statement[] {
  const connections = connectionServicePrefix(arns.connectionArn);
  return [
    writeOwnLogs(project),
    ...bucketBasics(arns, project),
    {
      sid: "CheckOutThroughConnection",
      effect: "Allow",
      actions: [`${connections}:GetConnectionToken`, `${connections}:GetConnection`],
      resources: [arns.connectionArn],
    },
    ...stateAccess(arns, pulumiProject, stacks, false),
  ];
}

/**
 * One stack's deployment: reads the checked tree from the build artifact, runs `pulumi up` (state read and
 * write for that stack only) and changes that stack's resources (see deploy-permissions.ts).
 */
export function deployRoleStatements(
  arns: PipelineArns,
  project: ProjectIdentity,
  pulumiProject: string,
  target: DeployTarget,
): Statement[] {
  return [
    writeOwnLogs(project),
    ...bucketBasics(arns, project),
    readArtifacts(arns),
    ...stateAccess(arns, pulumiProject, [target.stack], true),
    ...appStackStatements(arns.scope, target, arns.imageRepositoryArn),
  ];
}

/** The pipeline moves artifacts, pulls the source through the connection and starts its own projects. */
export function pipelineRoleStatements(arns: PipelineArns, projectNames: readonly string[]): Statement[] {
  const connections = connectionServicePrefix(arns.connectionArn);
  return [
    {
      sid: "MoveArtifacts",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
      resources: [`${arns.artifactBucketArn}/*`],
    },
    {
      sid: "LocateArtifactBucket",
      effect: "Allow",
      actions: ["s3:GetBucketVersioning", "s3:GetBucketLocation"],
      resources: [arns.artifactBucketArn],
    },
    {
      sid: "UseArtifactKey",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [arns.artifactKeyArn],
    },
    {
      sid: "UseSourceConnection",
      effect: "Allow",
      actions: [`${connections}:UseConnection`],
      resources: [arns.connectionArn],
    },
    {
      sid: "RunOwnProjects",
      effect: "Allow",
      actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
      resources: projectNames.map((name) => codeBuildProjectArn(arns.scope, name)),
    },
  ];
}

/**
 * Pushing images to the pipeline's repository and nowhere else: the build project and GitHub Actions
 * (seed 001) push the same way.
 */
export function imagePushStatements(imageRepositoryArn: string): Statement[] {
  return [
    {
      // GetAuthorizationToken has no resource-level permissions: AWS accepts only "*".
      sid: "LogInToRegistry",
      effect: "Allow",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      sid: "PushImage",
      effect: "Allow",
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
      ],
      resources: [imageRepositoryArn],
    },
  ];
}

/**
 * Pull-request previews from GitHub Actions: `pulumi preview` of the previewed stacks, which reads their
 * state and decrypts their config and writes nothing. No connection, no logs, no cache: GitHub checks the
 * code out and keeps the log.
 */
export function githubPreviewStatements(
  arns: PipelineArns,
  pulumiProject: string,
  stacks: readonly string[],
): Statement[] {
  return stateAccess(arns, pulumiProject, stacks, false);
}

/**
 * One stack's deployment from GitHub Actions: what the CodeBuild deploy role may do to that stack, less
 * what only CodeBuild needs (the pipeline's artifacts, its log group and cache). The image it deploys was
 * pushed by the image-push role; reading it is part of the stack's statements.
 */
export function githubDeployStatements(
  arns: PipelineArns,
  pulumiProject: string,
  target: DeployTarget,
): Statement[] {
  return [
    ...stateAccess(arns, pulumiProject, [target.stack], true),
    ...appStackStatements(arns.scope, target, arns.imageRepositoryArn),
  ];
}
