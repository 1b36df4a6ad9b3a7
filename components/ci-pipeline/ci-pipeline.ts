/**
 * CiPipeline: the delivery pipeline of the shop, deployed as its own stack (`ci`).
 *
 * - CodePipeline (V2): source from GitHub through a CodeConnections connection -> build (scans, tests,
 *   image) -> deploy the dev stack -> manual approval -> deploy the prod stack. Artifacts live in an
 *   encrypted, versioned, TLS-only bucket with every public access block flag on.
 * - CodeBuild projects, each with its own role and log group: `build` (the only privileged one: it runs
 *   Docker), `preview` (started by a webhook on pull requests, read-only on the stacks) and one `deploy`
 *   project per stack, whose role can change only that stack's resources.
 * - An ECR repository for the checked images (scanned on push and by Inspector), and the GitHub Actions
 *   OIDC roles of .github/workflows: push images from the deploy branch, preview pull requests read-only,
 *   deploy each stack from its GitHub environment (github-identities.ts says which token gets which).
 *
 * The buildspecs live in buildspec/; docs/delivery-pipeline.md explains how to bootstrap and run it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "../container-registry";
import { EncryptionKey } from "../encryption-key";
import { SecureBucket } from "../secure-bucket";
import { awsContext } from "../shared/aws-context";
import { type ArnScope } from "./arns";
import { defaultPassRoleServices, type DeployTarget } from "./deploy-permissions";
import { githubIdentities, type GithubIdentity } from "./github-identities";
import {
  buildRoleStatements,
  codeBuildTrust,
  codePipelineTrust,
  deployRoleStatements,
  githubActionsTrust,
  githubDeployStatements,
  githubPreviewStatements,
  imagePushStatements,
  pipelineRoleStatements,
  previewRoleStatements,
  type PipelineArns,
  type Statement,
} from "./role-policies";

/** The OIDC issuer of GitHub Actions tokens. */
export const githubOidcHost = "token.actions.githubusercontent.com";

export type PullRequestCommentApproval = "DISABLED" | "ALL_PULL_REQUESTS" | "FORK_PULL_REQUESTS";

/** Pull request events that start a preview. */
export const previewEvents = [
  "PULL_REQUEST_CREATED",
  "PULL_REQUEST_UPDATED",
  "PULL_REQUEST_REOPENED",
] as const;

export interface CiPipelineArgs {
  /** ARN of the CodeConnections connection to GitHub (created and authorized once, by hand). Required. */
  readonly connectionArn: pulumi.Input<string>;
  /** The GitHub repository, "<owner>/<name>". Required. */
  readonly repository: string;
  /** Branch that deploys, and the only one whose workflows may push images. Default: "main". */
  readonly branch?: string;
  /** S3 bucket of the Pulumi DIY backend that holds the stacks' state. Required. */
  readonly stateBucketName: pulumi.Input<string>;
  /** KMS key ARN of the stacks' `awskms://` secrets provider (and of the state bucket's encryption). Required. */
  readonly stateKeyArn: pulumi.Input<string>;
  /** Digest (sha256:<64 hex>) of public.ecr.aws/lambda/nodejs:22 that the image builds FROM. Required. */
  readonly lambdaBaseDigest: pulumi.Input<string>;
  /** Stack deployed on every push to the branch. Default: "dev". */
  readonly devStack?: string;
  /** Stack deployed after the manual approval. Default: "prod". */
  readonly prodStack?: string;
  /** Stacks previewed (with the policy pack) on every pull request. Default: [devStack, prodStack]. */
  readonly previewStacks?: readonly string[];
  /** First part of the application stacks' physical names (`<appNamePrefix>-<stack>-...`). Default: "shop". */
  readonly appNamePrefix?: string;
  /**
   * Roles an application stack gives to its services, named after the stack prefix: ["api"] lets the dev
   * deploy pass `shop-dev-api` (and the prod deploy `shop-prod-api`). Default: none.
   */
  readonly passRoleSuffixes?: readonly string[];
  /** Services those roles may be passed to. Default: Lambda and CloudTrail. */
  readonly passRoleServices?: readonly string[];
  /** Pulumi project name, which places each stack's state in the backend. Default: "shop-infra". */
  readonly pulumiProject?: string;
  /** Retention in days of the CodeBuild log groups. Default: 90. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Days pipeline artifacts (and their noncurrent versions) are kept. Default: 30. */
  readonly artifactExpirationDays?: pulumi.Input<number>;
  /** Lets `pulumi destroy` delete the artifact bucket and the image repository with their contents. Default: false. */
  readonly forceDelete?: pulumi.Input<boolean>;
  /** Days KMS waits before deleting the pipeline's keys once they leave the stack (7..30). Default: 30. */
  readonly kmsDeletionWindowDays?: pulumi.Input<number>;
  /** Which pull requests need a maintainer's approval comment before their preview runs. Default: "ALL_PULL_REQUESTS". */
  readonly pullRequestCommentApproval?: PullRequestCommentApproval;
  /** Repository roles whose pull requests preview without an approval comment. Default: write, maintain, admin. */
  readonly pullRequestApproverRoles?: readonly string[];
  /** ARN of the account's existing GitHub Actions OIDC provider (there can be only one). Default: create it. */
  readonly githubOidcProviderArn?: pulumi.Input<string>;
  /** CodeBuild image of every project. Default: "aws/codebuild/standard:7.0". */
  readonly buildImage?: string;
}

export class CiPipeline extends pulumi.ComponentResource {
  public readonly pipelineName: pulumi.Output<string>;
  public readonly artifactBucketName: pulumi.Output<string>;
  public readonly artifactKeyArn: pulumi.Output<string>;
  public readonly imageRepositoryUrl: pulumi.Output<string>;
  public readonly buildProjectName: pulumi.Output<string>;
  public readonly previewProjectName: pulumi.Output<string>;
  public readonly deployProjectNames: pulumi.Output<Record<string, string>>;
  /** Role GitHub Actions assumes to push images from the deploy branch (`AWS_IMAGE_ROLE_ARN`). */
  public readonly githubActionsRoleArn: pulumi.Output<string>;
  /** Role GitHub Actions assumes to preview pull requests, read-only (`AWS_PREVIEW_ROLE_ARN`). */
  public readonly githubPreviewRoleArn: pulumi.Output<string>;
  /** Per stack, the role its GitHub environment assumes to deploy it (`AWS_DEPLOY_ROLE_ARN` there). */
  public readonly githubDeployRoleArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: CiPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:ci:CiPipeline", name, {}, opts);

    const branch = args.branch ?? "main";
    const devStack = args.devStack ?? "dev";
    const prodStack = args.prodStack ?? "prod";
    const previewStacks = args.previewStacks ?? [devStack, prodStack];
    const appNamePrefix = args.appNamePrefix ?? "shop";
    const passRoleSuffixes = args.passRoleSuffixes ?? [];
    const passRoleServices = args.passRoleServices ?? defaultPassRoleServices;
    const pulumiProject = args.pulumiProject ?? "shop-infra";
    const logRetentionDays = args.logRetentionDays ?? 90;
    const artifactExpirationDays = args.artifactExpirationDays ?? 30;
    const forceDelete = args.forceDelete ?? false;
    const kmsDeletionWindowDays = args.kmsDeletionWindowDays ?? 30;
    const pullRequestCommentApproval = args.pullRequestCommentApproval ?? "ALL_PULL_REQUESTS";
    const pullRequestApproverRoles = args.pullRequestApproverRoles ?? [
      "GITHUB_WRITE",
      "GITHUB_MAINTAIN",
      "GITHUB_ADMIN",
    ];
    const buildImage = args.buildImage ?? "aws/codebuild/standard:7.0";

    const pipelineName = name;
    const buildProjectName = `${name}-build`;
    const previewProjectName = `${name}-preview`;
    const deployTargets: DeployTarget[] = [devStack, prodStack].map((stack) => ({
      stack,
      resourcePrefix: `${appNamePrefix}-${stack}`,
      passRoleNames: passRoleSuffixes.map((suffix) => `${appNamePrefix}-${stack}-${suffix}`),
      passRoleServices,
    }));
    const deployProjectName = (stack: string) => `${name}-deploy-${stack}`;

    const context = awsContext(this);
    const scope: pulumi.Output<ArnScope> = pulumi
      .all([context.partition, context.region, context.accountId])
      .apply(([partition, region, accountId]) => ({ partition, region, accountId }));

    const artifactKey = new EncryptionKey(
      `${name}-artifacts-key`,
      {
        description: `Encrypts the artifacts, build cache and build logs of the ${pipelineName} pipeline`,
        deletionWindowInDays: kmsDeletionWindowDays,
        allowCloudWatchLogs: true,
      },
      { parent: this },
    );

    const artifactBucket = new SecureBucket(
      `${name}-artifacts`,
      {
        forceDestroy: forceDelete,
        kmsKeyArn: artifactKey.keyArn,
        expirationDays: artifactExpirationDays,
        noncurrentVersionExpirationDays: artifactExpirationDays,
      },
      { parent: this },
    );

    const images = new ContainerRegistry(
      `${name}-images`,
      {
        forceDelete,
        kmsKeyDeletionWindowDays: kmsDeletionWindowDays,
        // The application stacks' functions run these images; the account-wide scanning setting is
        // theirs to manage.
        pullerFunctionNamePattern: `${appNamePrefix}-*`,
        manageRegistryScanning: false,
      },
      { parent: this },
    );

    // Inspector scans the pipeline's images as it scans the app's. Enablement is account-wide and the app
    // stacks enable it too, so destroying this stack leaves it on rather than switching scanning off for
    // every repository of the account.
    new aws.inspector2.Enabler(
      `${name}-inspector`,
      { accountIds: [context.accountId], resourceTypes: ["ECR"] },
      { parent: this, retainOnDelete: true },
    );

    const arns: pulumi.Output<PipelineArns> = pulumi
      .all([
        scope,
        artifactBucket.bucketArn,
        artifactKey.keyArn,
        args.connectionArn,
        images.repositoryArn,
        args.stateBucketName,
        args.stateKeyArn,
      ])
      .apply(
        ([
          resolvedScope,
          artifactBucketArn,
          artifactKeyArn,
          connectionArn,
          imageRepositoryArn,
          stateBucket,
          stateKeyArn,
        ]) => ({
          scope: resolvedScope,
          artifactBucketArn,
          artifactKeyArn,
          connectionArn,
          imageRepositoryArn,
          stateBucketArn: `arn:${resolvedScope.partition}:s3:::${stateBucket}`,
          stateKeyArn,
        }),
      );

    const document = (statements: pulumi.Input<Statement[]>) =>
      aws.iam.getPolicyDocumentOutput({ statements }, { parent: this }).json;

    const logGroup = (projectName: string) =>
      new aws.cloudwatch.LogGroup(
        `${projectName}-logs`,
        {
          name: `/aws/codebuild/${projectName}`,
          retentionInDays: logRetentionDays,
          kmsKeyId: artifactKey.keyArn,
        },
        { parent: this },
      );

    /** A role CodeBuild assumes for one project only, with its inline policy. */
    const projectRole = (
      projectName: string,
      statements: (arns: PipelineArns, project: { projectName: string; logGroupArn: string }) => Statement[],
      projectLogs: aws.cloudwatch.LogGroup,
    ) => {
      const role = new aws.iam.Role(
        `${projectName}-role`,
        {
          description: `Service role of the CodeBuild project ${projectName}`,
          assumeRolePolicy: document(scope.apply((s) => codeBuildTrust(s, projectName))),
        },
        { parent: this },
      );
      const policy = new aws.iam.RolePolicy(
        `${projectName}-policy`,
        {
          role: role.id,
          policy: document(
            pulumi
              .all([arns, projectLogs.arn])
              .apply(([resolved, logGroupArn]) => statements(resolved, { projectName, logGroupArn })),
          ),
        },
        { parent: this },
      );
      return { role, policy };
    };

    const backendUrl = pulumi.interpolate`s3://${args.stateBucketName}?region=${context.region}`;
    const plaintext = (variableName: string, value: pulumi.Input<string>) => ({
      name: variableName,
      value,
      type: "PLAINTEXT",
    });
    const environment = (privilegedMode: boolean, variables: ReturnType<typeof plaintext>[]) => ({
      type: "LINUX_CONTAINER",
      computeType: "BUILD_GENERAL1_MEDIUM",
      image: buildImage,
      imagePullCredentialsType: "CODEBUILD",
      privilegedMode,
      environmentVariables: variables,
    });
    const logsConfig = (projectLogs: aws.cloudwatch.LogGroup) => ({
      cloudwatchLogs: { status: "ENABLED", groupName: projectLogs.name },
      s3Logs: { status: "DISABLED" },
    });
    const cache = (projectName: string) => ({
      type: "S3",
      location: pulumi.interpolate`${artifactBucket.bucketName}/cache/${projectName}`,
    });

    // Build: checks, image, push. Privileged because it runs the Docker daemon; nothing else is.
    const buildLogs = logGroup(buildProjectName);
    const buildRole = projectRole(buildProjectName, buildRoleStatements, buildLogs);
    const buildProject = new aws.codebuild.Project(
      buildProjectName,
      {
        name: buildProjectName,
        description:
          "Secret scan, SAST, dependency scan, lint, typecheck, tests, image build, image scan, SBOM, push",
        serviceRole: buildRole.role.arn,
        encryptionKey: artifactKey.keyArn,
        buildTimeout: 60,
        source: { type: "CODEPIPELINE", buildspec: "buildspec/build.yml" },
        artifacts: { type: "CODEPIPELINE" },
        environment: environment(true, [
          plaintext("IMAGE_REPOSITORY_URI", images.repositoryUrl),
          plaintext("LAMBDA_BASE_DIGEST", args.lambdaBaseDigest),
        ]),
        cache: cache(buildProjectName),
        logsConfig: logsConfig(buildLogs),
      },
      { parent: this, dependsOn: [buildRole.policy] },
    );

    // Preview: every pull request against the branch, straight from GitHub (not through the pipeline).
    const previewLogs = logGroup(previewProjectName);
    const previewRole = projectRole(
      previewProjectName,
      (resolved, project) => previewRoleStatements(resolved, project, pulumiProject, previewStacks),
      previewLogs,
    );
    const previewProject = new aws.codebuild.Project(
      previewProjectName,
      {
        name: previewProjectName,
        description:
          "Offline preview, then pulumi preview with the policy pack, for every stack on each pull request",
        serviceRole: previewRole.role.arn,
        encryptionKey: artifactKey.keyArn,
        buildTimeout: 30,
        source: {
          type: "GITHUB",
          location: `https://github.com/${args.repository}.git`,
          gitCloneDepth: 1,
          buildspec: "buildspec/preview.yml",
          reportBuildStatus: true,
          auth: { type: "CODECONNECTIONS", resource: args.connectionArn },
        },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: environment(false, [
          plaintext("PREVIEW_STACKS", previewStacks.join(" ")),
          plaintext("PULUMI_BACKEND_URL", backendUrl),
        ]),
        cache: cache(previewProjectName),
        logsConfig: logsConfig(previewLogs),
      },
      { parent: this, dependsOn: [previewRole.policy] },
    );

    new aws.codebuild.Webhook(
      `${previewProjectName}-webhook`,
      {
        projectName: previewProject.name,
        buildType: "BUILD",
        filterGroups: [
          {
            filters: [
              { type: "EVENT", pattern: previewEvents.join(", ") },
              { type: "BASE_REF", pattern: `^refs/heads/${branch}$` },
            ],
          },
        ],
        pullRequestBuildPolicy:
          pullRequestCommentApproval === "DISABLED"
            ? { requiresCommentApproval: "DISABLED" }
            : {
                requiresCommentApproval: pullRequestCommentApproval,
                approverRoles: [...pullRequestApproverRoles],
              },
      },
      { parent: this },
    );

    // Deploy: one project per stack, so each role can touch only its own stack.
    const deployProjects = deployTargets.map((target) => {
      const projectName = deployProjectName(target.stack);
      const projectLogs = logGroup(projectName);
      const role = projectRole(
        projectName,
        (resolved, project) => deployRoleStatements(resolved, project, pulumiProject, target),
        projectLogs,
      );
      const project = new aws.codebuild.Project(
        projectName,
        {
          name: projectName,
          description: `pulumi up --stack ${target.stack} with the policy pack`,
          serviceRole: role.role.arn,
          encryptionKey: artifactKey.keyArn,
          buildTimeout: 60,
          // Two deployments of one stack never overlap (the backend's lock would refuse the second).
          concurrentBuildLimit: 1,
          source: { type: "CODEPIPELINE", buildspec: "buildspec/deploy.yml" },
          artifacts: { type: "CODEPIPELINE" },
          environment: environment(false, [
            plaintext("STACK", target.stack),
            plaintext("PULUMI_BACKEND_URL", backendUrl),
          ]),
          cache: cache(projectName),
          logsConfig: logsConfig(projectLogs),
        },
        { parent: this, dependsOn: [role.policy] },
      );
      return { stack: target.stack, project };
    });

    const pipelineRole = new aws.iam.Role(
      `${name}-pipeline-role`,
      {
        description: `Service role of the CodePipeline ${pipelineName}`,
        assumeRolePolicy: document(scope.apply((s) => codePipelineTrust(s, pipelineName))),
      },
      { parent: this },
    );
    const pipelineRolePolicy = new aws.iam.RolePolicy(
      `${name}-pipeline-policy`,
      {
        role: pipelineRole.id,
        policy: document(
          arns.apply((resolved) =>
            pipelineRoleStatements(resolved, [
              buildProjectName,
              ...deployTargets.map((t) => deployProjectName(t.stack)),
            ]),
          ),
        ),
      },
      { parent: this },
    );

    const codeBuildAction = (
      actionName: string,
      project: aws.codebuild.Project,
      input: string,
      extra: object,
    ) => ({
      name: actionName,
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      inputArtifacts: [input],
      configuration: { ProjectName: project.name },
      ...extra,
    });
    // Each deployment runs the image the build stage checked and pushed, by digest.
    const deployAction = (project: aws.codebuild.Project) =>
      codeBuildAction("Deploy", project, "BuildOutput", {
        configuration: {
          ProjectName: project.name,
          EnvironmentVariables: JSON.stringify([
            { name: "IMAGE_URI", value: "#{BuildVariables.IMAGE_URI}", type: "PLAINTEXT" },
          ]),
        },
      });
    const [devDeploy, prodDeploy] = deployProjects;

    const pipeline = new aws.codepipeline.Pipeline(
      name,
      {
        name: pipelineName,
        pipelineType: "V2",
        roleArn: pipelineRole.arn,
        artifactStores: [
          {
            type: "S3",
            location: artifactBucket.bucketName,
            encryptionKey: { type: "KMS", id: artifactKey.keyArn },
          },
        ],
        stages: [
          {
            name: "Source",
            actions: [
              {
                name: "Source",
                category: "Source",
                owner: "AWS",
                provider: "CodeStarSourceConnection",
                version: "1",
                outputArtifacts: ["SourceOutput"],
                namespace: "SourceVariables",
                configuration: {
                  ConnectionArn: args.connectionArn,
                  FullRepositoryId: args.repository,
                  BranchName: branch,
                  // A full clone, so the build can scan the whole history for secrets.
                  OutputArtifactFormat: "CODEBUILD_CLONE_REF",
                  DetectChanges: "true",
                },
              },
            ],
          },
          {
            name: "Build",
            actions: [
              codeBuildAction("Build", buildProject, "SourceOutput", {
                outputArtifacts: ["BuildOutput"],
                namespace: "BuildVariables",
              }),
            ],
          },
          { name: `Deploy-${devDeploy.stack}`, actions: [deployAction(devDeploy.project)] },
          {
            name: `Approve-${prodDeploy.stack}`,
            actions: [
              {
                name: "Approve",
                category: "Approval",
                owner: "AWS",
                provider: "Manual",
                version: "1",
                configuration: {
                  CustomData: `Check the ${devDeploy.stack} stack, then approve to deploy the same image to ${prodDeploy.stack}.`,
                },
              },
            ],
          },
          { name: `Deploy-${prodDeploy.stack}`, actions: [deployAction(prodDeploy.project)] },
        ],
      },
      { parent: this, dependsOn: [pipelineRolePolicy] },
    );

    // GitHub Actions (.github/workflows): one role per identity of github-identities.ts, each trusting
    // exactly one token subject and allowed exactly that job's work, through short-lived OIDC credentials.
    const oidcProviderArn =
      args.githubOidcProviderArn ??
      new aws.iam.OpenIdConnectProvider(
        `${name}-github-oidc`,
        { url: `https://${githubOidcHost}`, clientIdLists: ["sts.amazonaws.com"] },
        { parent: this },
      ).arn;
    const identities = githubIdentities(args.repository, branch, [devStack, prodStack]);
    const githubRole = (
      identity: GithubIdentity,
      roleName: string,
      description: string,
      statements: (resolved: PipelineArns) => Statement[],
    ) => {
      const role = new aws.iam.Role(
        `${roleName}-role`,
        {
          description,
          assumeRolePolicy: document(
            pulumi
              .output(oidcProviderArn)
              .apply((providerArn) => githubActionsTrust(providerArn, githubOidcHost, identity)),
          ),
          maxSessionDuration: 3600,
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${roleName}-policy`,
        { role: role.id, policy: document(arns.apply(statements)) },
        { parent: this },
      );
      return role;
    };
    const identityFor = (purpose: GithubIdentity["purpose"], stack?: string): GithubIdentity => {
      const found = identities.find((identity) => identity.purpose === purpose && identity.stack === stack);
      if (!found) throw new Error(`no GitHub identity for ${purpose} ${stack ?? ""}`);
      return found;
    };
    const imagePushRole = githubRole(
      identityFor("image-push"),
      `${name}-github-actions`,
      `Lets GitHub Actions on ${args.repository}@${branch} push images to ${pipelineName}'s repository`,
      (resolved) => imagePushStatements(resolved.imageRepositoryArn),
    );
    const githubPreviewRole = githubRole(
      identityFor("preview"),
      `${name}-github-preview`,
      `Lets GitHub Actions preview pull requests of ${args.repository}: reads the state of ${previewStacks.join(", ")}`,
      (resolved) => githubPreviewStatements(resolved, pulumiProject, previewStacks),
    );
    const githubDeployRoles = deployTargets.map((target) => ({
      stack: target.stack,
      role: githubRole(
        identityFor("deploy", target.stack),
        `${name}-github-deploy-${target.stack}`,
        `Lets GitHub Actions in the ${target.stack} environment of ${args.repository} deploy the ${target.stack} stack`,
        (resolved) => githubDeployStatements(resolved, pulumiProject, target),
      ),
    }));

    this.pipelineName = pipeline.name;
    this.artifactBucketName = artifactBucket.bucketName;
    this.artifactKeyArn = artifactKey.keyArn;
    this.imageRepositoryUrl = images.repositoryUrl;
    this.buildProjectName = buildProject.name;
    this.previewProjectName = previewProject.name;
    this.deployProjectNames = pulumi
      .all(
        deployProjects.map(({ stack, project }) =>
          project.name.apply((projectName) => [stack, projectName] as const),
        ),
      )
      .apply((entries) => Object.fromEntries(entries));
    this.githubActionsRoleArn = imagePushRole.arn;
    this.githubPreviewRoleArn = githubPreviewRole.arn;
    this.githubDeployRoleArns = pulumi
      .all(githubDeployRoles.map(({ stack, role }) => role.arn.apply((arn) => [stack, arn] as const)))
      .apply((entries) => Object.fromEntries(entries));
    this.registerOutputs({
      pipelineName: this.pipelineName,
      artifactBucketName: this.artifactBucketName,
      artifactKeyArn: this.artifactKeyArn,
      imageRepositoryUrl: this.imageRepositoryUrl,
      buildProjectName: this.buildProjectName,
      previewProjectName: this.previewProjectName,
      deployProjectNames: this.deployProjectNames,
      githubActionsRoleArn: this.githubActionsRoleArn,
      githubPreviewRoleArn: this.githubPreviewRoleArn,
      githubDeployRoleArns: this.githubDeployRoleArns,
    });
  }
}
