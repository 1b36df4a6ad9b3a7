import assert from "node:assert/strict";
import { CiPipeline, deployStarOnlyActions, type CiPipelineArgs } from "../../components/ci-pipeline";
import type { MockedRun, RecordedResource } from "../../scripts/lib/program-under-mocks";
import {
  defaultTestConfig,
  grants,
  list,
  ofType,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "../infra/support/run-queries";
import { identityPolicyProblems, trustPolicyProblems } from "./support/iam-rules";

const account = "123456789012";
const region = "us-east-1";
const connectionArn = `arn:aws:codeconnections:${region}:${account}:connection/6f1d2c3b-0a9e-4e8f-9b7a-5c4d3e2f1a0b`;
const stateKeyArn = `arn:aws:kms:${region}:${account}:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
const stateBucketName = "shop-infra-pulumi-state";
const baseArgs: CiPipelineArgs = {
  connectionArn,
  repository: "example-org/shop-infra",
  stateBucketName,
  stateKeyArn,
  lambdaBaseDigest: `sha256:${"ab".repeat(32)}`,
  passRoleSuffixes: ["api", "report"],
};

/** Star-only actions the roles may use on "*": ECR login and the deploy's account-wide reads. */
const starOnlyActions = ["ecr:GetAuthorizationToken", ...deployStarOnlyActions];

function construct(args: CiPipelineArgs = baseArgs): Promise<MockedRun> {
  return runUnderMocks(
    () => {
      new CiPipeline("shop-ci", args);
    },
    { stack: "ci", config: defaultTestConfig },
  );
}

const project = (run: MockedRun, name: string) => only(run, "aws:codebuild/project:Project", name);

/** The role a project runs as, and that role's inline policy. */
function roleOf(run: MockedRun, projectName: string): { role: RecordedResource; policy: RecordedResource } {
  const role = only(run, "aws:iam/role:Role", `${projectName}-role`);
  assert.equal(project(run, projectName).inputs.serviceRole, role.outputs.arn);
  const policy = only(run, "aws:iam/rolePolicy:RolePolicy", `${projectName}-policy`);
  assert.equal(policy.inputs.role, role.id);
  return { role, policy };
}

const stateObject = (key: string) => `arn:aws:s3:::${stateBucketName}/${key}`;

describe("CiPipeline", () => {
  let run: MockedRun;
  let artifactBucketArn: string;
  let artifactKeyArn: string;
  let imageRepositoryArn: string;

  before(async () => {
    run = await construct();
    artifactBucketArn = String(only(run, "aws:s3/bucket:Bucket").outputs.arn);
    artifactKeyArn = String(only(run, "aws:kms/key:Key", "shop-ci-artifacts-key").outputs.arn);
    imageRepositoryArn = String(only(run, "aws:ecr/repository:Repository").outputs.arn);
  });

  it("builds, previews and deploys in separate CodeBuild projects, and only the image build is privileged", () => {
    const projects = ofType(run, "aws:codebuild/project:Project");
    assert.deepEqual(projects.map((p) => p.inputs.name).sort(), [
      "shop-ci-build",
      "shop-ci-deploy-dev",
      "shop-ci-deploy-prod",
      "shop-ci-preview",
    ]);
    for (const p of projects) {
      const environment = p.inputs.environment as { privilegedMode: boolean; image: string };
      assert.equal(
        environment.privilegedMode,
        p.inputs.name === "shop-ci-build",
        `${String(p.inputs.name)} privileged mode`,
      );
      assert.equal(p.inputs.encryptionKey, artifactKeyArn, "artifacts are encrypted with the pipeline's key");
    }
    assert.deepEqual(project(run, "shop-ci-build").inputs.source, {
      type: "CODEPIPELINE",
      buildspec: "buildspec/build.yml",
    });
    assert.deepEqual(project(run, "shop-ci-deploy-dev").inputs.source, {
      type: "CODEPIPELINE",
      buildspec: "buildspec/deploy.yml",
    });
    assert.equal(project(run, "shop-ci-deploy-prod").inputs.concurrentBuildLimit, 1);
    assert.deepEqual(
      (project(run, "shop-ci-preview").inputs.source as { buildspec: string }).buildspec,
      "buildspec/preview.yml",
    );
  });

  it("gives each project its own role, assumable only by CodeBuild for that project in this account", () => {
    const roleArns = new Set<unknown>();
    for (const name of ["shop-ci-build", "shop-ci-preview", "shop-ci-deploy-dev", "shop-ci-deploy-prod"]) {
      const { role } = roleOf(run, name);
      roleArns.add(role.outputs.arn);
      assert.deepEqual(statementsOf(role, "assumeRolePolicy"), [
        {
          Sid: "CodeBuildProjectAssumeRole",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "codebuild.amazonaws.com" },
          Condition: {
            StringEquals: { "aws:SourceAccount": account },
            ArnEquals: { "aws:SourceArn": `arn:aws:codebuild:${region}:${account}:project/${name}` },
          },
        },
      ]);
    }
    assert.equal(roleArns.size, 4);
  });

  it("lets the build role do exactly its job on exactly the pipeline's resources", () => {
    const logs = `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/shop-ci-build:*`;
    const reportGroup = (name: string) =>
      `arn:aws:codebuild:${region}:${account}:report-group/shop-ci-build-${name}`;
    const reportActions = [
      "BatchPutCodeCoverages",
      "BatchPutTestCases",
      "CreateReport",
      "CreateReportGroup",
      "UpdateReport",
    ];
    assert.deepEqual(
      grants(statementsOf(roleOf(run, "shop-ci-build").policy)),
      [
        ...reportActions.flatMap((action) =>
          ["coverage", "sast", "unit-tests"].map((name) => `codebuild:${action} on ${reportGroup(name)}`),
        ),
        `codeconnections:UseConnection on ${connectionArn}`,
        `ecr:BatchCheckLayerAvailability on ${imageRepositoryArn}`,
        `ecr:CompleteLayerUpload on ${imageRepositoryArn}`,
        "ecr:GetAuthorizationToken on *",
        `ecr:InitiateLayerUpload on ${imageRepositoryArn}`,
        `ecr:PutImage on ${imageRepositoryArn}`,
        `ecr:UploadLayerPart on ${imageRepositoryArn}`,
        `kms:Decrypt on ${artifactKeyArn}`,
        `kms:GenerateDataKey on ${artifactKeyArn}`,
        `logs:CreateLogStream on ${logs}`,
        `logs:PutLogEvents on ${logs}`,
        `s3:GetBucketAcl on ${artifactBucketArn}`,
        `s3:GetBucketLocation on ${artifactBucketArn}`,
        `s3:GetObject on ${artifactBucketArn}/*`,
        `s3:GetObject on ${artifactBucketArn}/cache/shop-ci-build/*`,
        `s3:GetObjectVersion on ${artifactBucketArn}/*`,
        `s3:PutObject on ${artifactBucketArn}/*`,
        `s3:PutObject on ${artifactBucketArn}/cache/shop-ci-build/*`,
      ].sort(),
    );
  });

  it("lets the preview role read and decrypt the previewed stacks' state, and write nothing but its logs and cache", () => {
    const statements = statementsOf(roleOf(run, "shop-ci-preview").policy);
    const logs = `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/shop-ci-preview:*`;
    const writes = grants(statements).filter((grant) =>
      /:(Put|Delete|Create|Update|Start)\w* on /.test(grant),
    );
    assert.deepEqual(writes, [
      `logs:CreateLogStream on ${logs}`,
      `logs:PutLogEvents on ${logs}`,
      `s3:PutObject on ${artifactBucketArn}/cache/shop-ci-preview/*`,
    ]);
    assert.deepEqual(list(statement(statements, "DecryptStackSecrets").Action), ["kms:Decrypt"]);
    assert.deepEqual(list(statement(statements, "DecryptStackSecrets").Resource), [stateKeyArn]);
    assert.deepEqual(
      list(statement(statements, "ReadStackState").Resource),
      [
        ".pulumi/meta.yaml",
        ...["dev", "prod"].flatMap((stack) => [
          `.pulumi/stacks/shop-infra/${stack}.json*`,
          `.pulumi/history/shop-infra/${stack}/*`,
          `.pulumi/journal/shop-infra/${stack}/*`,
          `.pulumi/locks/organization/shop-infra/${stack}/*`,
        ]),
      ].map(stateObject),
    );
    assert.deepEqual(statement(statements, "ListStackState").Condition, {
      StringLike: { "s3:prefix": ".pulumi/*" },
    });
    assert.deepEqual(list(statement(statements, "CheckOutThroughConnection").Action), [
      "codeconnections:GetConnectionToken",
      "codeconnections:GetConnection",
    ]);
  });

  for (const [stack, other] of [
    ["dev", "prod"],
    ["prod", "dev"],
  ]) {
    it(`confines the ${stack} deploy role to the ${stack} stack: its resources, its state, its own roles`, () => {
      const statements = statementsOf(roleOf(run, `shop-ci-deploy-${stack}`).policy);
      const resources = statements.flatMap((s) => list(s.Resource));
      assert.ok(
        !resources.some((resource) => resource.includes(`shop-${other}`)),
        `nothing of shop-${other}`,
      );
      assert.ok(!resources.some((resource) => resource.includes(`/${other}`)), `no ${other} state`);
      const pipelineOwn = new Set([
        artifactBucketArn,
        `${artifactBucketArn}/*`,
        `${artifactBucketArn}/cache/shop-ci-deploy-${stack}/*`,
        artifactKeyArn,
        imageRepositoryArn,
        stateKeyArn,
        `arn:aws:s3:::${stateBucketName}`,
        `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/shop-ci-deploy-${stack}:*`,
      ]);
      for (const resource of resources) {
        const own =
          pipelineOwn.has(resource) ||
          resource.startsWith(`arn:aws:s3:::${stateBucketName}/.pulumi/`) ||
          resource.includes(`shop-${stack}-`) ||
          /^arn:aws:apigateway:us-east-1::\/(apis|tags)/.test(resource) ||
          resource === "*";
        assert.ok(own, `the ${stack} deploy role reaches ${resource}`);
      }
      assert.deepEqual(list(statement(statements, "WriteStackState").Resource), [
        stateObject(`.pulumi/stacks/shop-infra/${stack}.json*`),
        stateObject(`.pulumi/history/shop-infra/${stack}/*`),
        stateObject(`.pulumi/backups/shop-infra/${stack}/*`),
        stateObject(`.pulumi/journal/shop-infra/${stack}/*`),
        stateObject(`.pulumi/locks/organization/shop-infra/${stack}/*`),
      ]);
      const passRole = statement(statements, "PassOwnRoles");
      assert.deepEqual(list(passRole.Resource), [
        `arn:aws:iam::${account}:role/shop-${stack}-api`,
        `arn:aws:iam::${account}:role/shop-${stack}-report`,
      ]);
      assert.deepEqual(passRole.Condition, {
        StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "cloudtrail.amazonaws.com"] },
      });
      assert.ok(
        !grants(statements).some((grant) =>
          /^(kms:(Create|Schedule|Put)|secretsmanager:GetSecretValue|inspector2:)/.test(grant),
        ),
      );
    });
  }

  it("keeps every IAM document least-privilege, and every trust bound to this account or one repository", () => {
    const problems = [
      ...ofType(run, "aws:iam/rolePolicy:RolePolicy").flatMap((policy) =>
        identityPolicyProblems(statementsOf(policy), starOnlyActions).map(
          (problem) => `${policy.name}: ${problem}`,
        ),
      ),
      ...ofType(run, "aws:iam/role:Role").flatMap((role) =>
        trustPolicyProblems(statementsOf(role, "assumeRolePolicy"), account).map(
          (problem) => `${role.name}: ${problem}`,
        ),
      ),
    ];
    assert.deepEqual(problems, []);
    for (const policy of ofType(run, "aws:iam/rolePolicy:RolePolicy")) {
      const size = JSON.stringify(JSON.parse(String(policy.inputs.policy))).length;
      assert.ok(
        size < 10_240,
        `${policy.name} is ${size} characters; IAM allows 10,240 of inline policy per role`,
      );
    }
  });

  it("runs source -> build -> deploy dev -> manual approval -> deploy prod, deploying the checked image by digest", () => {
    const pipeline = only(run, "aws:codepipeline/pipeline:Pipeline");
    type Action = {
      name: string;
      category: string;
      provider: string;
      configuration: Record<string, string>;
      inputArtifacts?: string[];
      outputArtifacts?: string[];
      namespace?: string;
    };
    const stages = pipeline.inputs.stages as { name: string; actions: Action[] }[];
    assert.deepEqual(
      stages.map((stage) => [
        stage.name,
        stage.actions.map((action) => `${action.category}/${action.provider}`),
      ]),
      [
        ["Source", ["Source/CodeStarSourceConnection"]],
        ["Build", ["Build/CodeBuild"]],
        ["Deploy-dev", ["Build/CodeBuild"]],
        ["Approve-prod", ["Approval/Manual"]],
        ["Deploy-prod", ["Build/CodeBuild"]],
      ],
    );
    const [source, buildStage, devStage, , prodStage] = stages.map((stage) => stage.actions[0]);
    assert.deepEqual(source.configuration, {
      ConnectionArn: connectionArn,
      FullRepositoryId: "example-org/shop-infra",
      BranchName: "main",
      OutputArtifactFormat: "CODEBUILD_CLONE_REF",
      DetectChanges: "true",
    });
    assert.equal(buildStage.configuration.ProjectName, "shop-ci-build");
    assert.equal(buildStage.namespace, "BuildVariables");
    for (const [action, projectName] of [
      [devStage, "shop-ci-deploy-dev"],
      [prodStage, "shop-ci-deploy-prod"],
    ] as const) {
      assert.equal(action.configuration.ProjectName, projectName);
      assert.deepEqual(action.inputArtifacts, ["BuildOutput"], "deploys run the tree the build checked");
      assert.deepEqual(JSON.parse(action.configuration.EnvironmentVariables), [
        { name: "IMAGE_URI", value: "#{BuildVariables.IMAGE_URI}", type: "PLAINTEXT" },
      ]);
    }
    const pipelineRole = only(run, "aws:iam/role:Role", "shop-ci-pipeline-role");
    assert.equal(pipeline.inputs.roleArn, pipelineRole.outputs.arn);
    assert.deepEqual(
      grants(statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy", "shop-ci-pipeline-policy"))).filter(
        (g) => g.startsWith("codebuild:"),
      ),
      ["build", "deploy-dev", "deploy-prod"]
        .flatMap((name) =>
          ["BatchGetBuilds", "StartBuild"].map(
            (action) =>
              `codebuild:${action} on arn:aws:codebuild:${region}:${account}:project/shop-ci-${name}`,
          ),
        )
        .sort(),
      "the pipeline starts its own projects, not the preview",
    );
  });

  it("stores artifacts encrypted with a rotating key in a versioned, private, TLS-only bucket", () => {
    const key = only(run, "aws:kms/key:Key", "shop-ci-artifacts-key");
    assert.equal(key.inputs.enableKeyRotation, true);
    const pipeline = only(run, "aws:codepipeline/pipeline:Pipeline");
    const bucket = only(run, "aws:s3/bucket:Bucket");
    assert.deepEqual(pipeline.inputs.artifactStores, [
      { type: "S3", location: bucket.outputs.bucket, encryptionKey: { type: "KMS", id: artifactKeyArn } },
    ]);
    const encryption = only(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepEqual(
      (encryption.inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0]
        .applyServerSideEncryptionByDefault,
      {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: artifactKeyArn,
      },
    );
    const block = only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual(
      [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
      [true, true, true, true],
    );
    assert.deepEqual(only(run, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });
    const tlsOnly = statement(
      statementsOf(only(run, "aws:s3/bucketPolicy:BucketPolicy")),
      "DenyInsecureTransport",
    );
    assert.equal(tlsOnly.Effect, "Deny");
    assert.deepEqual(tlsOnly.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(list(tlsOnly.Resource), [artifactBucketArn, `${artifactBucketArn}/*`]);
  });

  it("logs every project to its own encrypted log group with retention", () => {
    for (const p of ofType(run, "aws:codebuild/project:Project")) {
      const name = String(p.inputs.name);
      const logGroup = only(run, "aws:cloudwatch/logGroup:LogGroup", `${name}-logs`);
      assert.equal(logGroup.inputs.name, `/aws/codebuild/${name}`);
      assert.equal(logGroup.inputs.retentionInDays, 90);
      assert.equal(logGroup.inputs.kmsKeyId, artifactKeyArn);
      assert.deepEqual(p.inputs.logsConfig, {
        cloudwatchLogs: { status: "ENABLED", groupName: `/aws/codebuild/${name}` },
        s3Logs: { status: "DISABLED" },
      });
    }
  });

  it("previews pull requests to the deploy branch, after a maintainer's approval for outside contributors", () => {
    const webhook = only(run, "aws:codebuild/webhook:Webhook");
    assert.equal(webhook.inputs.projectName, "shop-ci-preview");
    const [group, ...others] = webhook.inputs.filterGroups as {
      filters: { type: string; pattern: string }[];
    }[];
    assert.deepEqual(others, []);
    const events = group.filters
      .find((filter) => filter.type === "EVENT")
      ?.pattern.split(",")
      .map((event) => event.trim());
    assert.deepEqual(events, ["PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_REOPENED"]);
    assert.deepEqual(
      group.filters.find((filter) => filter.type === "BASE_REF"),
      { type: "BASE_REF", pattern: "^refs/heads/main$" },
    );
    assert.deepEqual(webhook.inputs.pullRequestBuildPolicy, {
      requiresCommentApproval: "ALL_PULL_REQUESTS",
      approverRoles: ["GITHUB_WRITE", "GITHUB_MAINTAIN", "GITHUB_ADMIN"],
    });
    const source = project(run, "shop-ci-preview").inputs.source as Record<string, unknown>;
    assert.deepEqual(source.auth, { type: "CODECONNECTIONS", resource: connectionArn });
    assert.equal(source.location, "https://github.com/example-org/shop-infra.git");
    assert.equal(source.reportBuildStatus, true, "the result shows on the pull request");
  });

  it("trusts GitHub Actions only for the deploy branch of the one repository and the STS audience, to push images", () => {
    const provider = only(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
    assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
    const role = only(run, "aws:iam/role:Role", "shop-ci-github-actions-role");
    assert.deepEqual(statementsOf(role, "assumeRolePolicy"), [
      {
        Sid: "GitHubActionsBranchAssumeRole",
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Principal: { Federated: provider.outputs.arn },
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:example-org/shop-infra:ref:refs/heads/main",
          },
        },
      },
    ]);
    assert.deepEqual(
      grants(statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy", "shop-ci-github-actions-policy"))),
      [
        `ecr:BatchCheckLayerAvailability on ${imageRepositoryArn}`,
        `ecr:CompleteLayerUpload on ${imageRepositoryArn}`,
        "ecr:GetAuthorizationToken on *",
        `ecr:InitiateLayerUpload on ${imageRepositoryArn}`,
        `ecr:PutImage on ${imageRepositoryArn}`,
        `ecr:UploadLayerPart on ${imageRepositoryArn}`,
      ],
    );
  });

  it("gives GitHub Actions a read-only preview role for pull requests and one deploy role per stack's environment", () => {
    const provider = only(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    const trustOf = (roleName: string) =>
      statementsOf(only(run, "aws:iam/role:Role", roleName), "assumeRolePolicy").map((s) => [
        s.Principal,
        s.Condition?.StringEquals["token.actions.githubusercontent.com:sub"],
        s.Condition?.StringEquals["token.actions.githubusercontent.com:aud"],
      ]);
    const federated = { Federated: provider.outputs.arn };
    assert.deepEqual(trustOf("shop-ci-github-preview-role"), [
      [federated, "repo:example-org/shop-infra:pull_request", "sts.amazonaws.com"],
    ]);
    const preview = grants(
      statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy", "shop-ci-github-preview-policy")),
    );
    assert.deepEqual(
      preview.filter((grant) => !/^(s3:GetObject|s3:ListBucket|kms:Decrypt) on /.test(grant)),
      [],
      "the preview role reads and decrypts state, nothing else",
    );
    for (const [stack, other] of [
      ["dev", "prod"],
      ["prod", "dev"],
    ]) {
      assert.deepEqual(trustOf(`shop-ci-github-deploy-${stack}-role`), [
        [federated, `repo:example-org/shop-infra:environment:${stack}`, "sts.amazonaws.com"],
      ]);
      const statements = statementsOf(
        only(run, "aws:iam/rolePolicy:RolePolicy", `shop-ci-github-deploy-${stack}-policy`),
      );
      const resources = statements.flatMap((s) => list(s.Resource));
      assert.ok(
        !resources.some((r) => r.includes(`shop-${other}`) || r.includes(`/${other}`)),
        `nothing of ${other}`,
      );
      assert.ok(!resources.some((r) => r.startsWith(artifactBucketArn)), "no pipeline artifacts or cache");
      assert.ok(
        list(statement(statements, "WriteStackState").Resource).every((r) => r.includes(`/${stack}`)),
      );
    }
  });

  it("keeps images immutable, scanned on push and by Inspector, encrypted, pullable only by the application stacks' functions", () => {
    const repository = only(run, "aws:ecr/repository:Repository");
    assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE");
    assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(
      (repository.inputs.encryptionConfigurations as { encryptionType: string }[])[0].encryptionType,
      "KMS",
    );
    const pull = statementsOf(only(run, "aws:ecr/repositoryPolicy:RepositoryPolicy"))[0];
    assert.deepEqual(pull.Condition, {
      StringLike: { "aws:sourceArn": `arn:aws:lambda:${region}:${account}:function:shop-*` },
    });
    assert.deepEqual(
      ofType(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"),
      [],
      "the account setting is the app stacks'",
    );
    const inspector = only(run, "aws:inspector2/enabler:Enabler");
    assert.deepEqual(inspector.inputs.resourceTypes, ["ECR"]);
    assert.deepEqual(inspector.inputs.accountIds, [account]);
  });

  it("passes settings, never credentials, through project environment variables", () => {
    const variables = ofType(run, "aws:codebuild/project:Project").flatMap(
      (p) =>
        (p.inputs.environment as { environmentVariables: { name: string; value: string; type: string }[] })
          .environmentVariables,
    );
    assert.deepEqual(variables.map((v) => v.name).sort(), [
      "IMAGE_REPOSITORY_URI",
      "LAMBDA_BASE_DIGEST",
      "PREVIEW_STACKS",
      "PULUMI_BACKEND_URL",
      "PULUMI_BACKEND_URL",
      "PULUMI_BACKEND_URL",
      "STACK",
      "STACK",
    ]);
    for (const variable of variables) {
      const credentialLike = /SECRET|TOKEN|PASSWORD|PASSPHRASE|KEY$/i.test(variable.name);
      assert.equal(variable.type, credentialLike ? "SECRETS_MANAGER" : "PLAINTEXT", variable.name);
    }
    assert.equal(
      variables.find((v) => v.name === "PULUMI_BACKEND_URL")?.value,
      `s3://${stateBucketName}?region=${region}`,
    );
    assert.equal(variables.find((v) => v.name === "PREVIEW_STACKS")?.value, "dev prod");
  });

  describe("options", () => {
    it("reuses an existing GitHub OIDC provider, follows another branch, and passes no role unless told to", async () => {
      const existingProvider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
      const custom = await construct({
        ...baseArgs,
        githubOidcProviderArn: existingProvider,
        branch: "release",
        passRoleSuffixes: undefined,
      });
      assert.deepEqual(ofType(custom, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"), []);
      const trust = statementsOf(
        only(custom, "aws:iam/role:Role", "shop-ci-github-actions-role"),
        "assumeRolePolicy",
      )[0];
      assert.deepEqual(trust.Principal, { Federated: existingProvider });
      assert.equal(
        trust.Condition?.StringEquals["token.actions.githubusercontent.com:sub"],
        "repo:example-org/shop-infra:ref:refs/heads/release",
      );
      const filters = (
        only(custom, "aws:codebuild/webhook:Webhook").inputs.filterGroups as {
          filters: { type: string; pattern: string }[];
        }[]
      )[0].filters;
      assert.equal(filters.find((filter) => filter.type === "BASE_REF")?.pattern, "^refs/heads/release$");
      const stages = only(custom, "aws:codepipeline/pipeline:Pipeline").inputs.stages as {
        actions: { configuration: Record<string, string> }[];
      }[];
      assert.equal(stages[0].actions[0].configuration.BranchName, "release");
      for (const stack of ["dev", "prod"]) {
        const statements = statementsOf(
          only(custom, "aws:iam/rolePolicy:RolePolicy", `shop-ci-deploy-${stack}-policy`),
        );
        assert.ok(
          !statements.some((s) => list(s.Action).includes("iam:PassRole")),
          "no PassRole without named roles",
        );
      }
    });

    it("uses the codestar-connections actions for a connection made before the CodeConnections rename", async () => {
      const legacy = `arn:aws:codestar-connections:${region}:${account}:connection/6f1d2c3b-0a9e-4e8f-9b7a-5c4d3e2f1a0b`;
      const custom = await construct({
        ...baseArgs,
        connectionArn: legacy,
        pullRequestCommentApproval: "DISABLED",
      });
      const actions = ofType(custom, "aws:iam/rolePolicy:RolePolicy").flatMap((policy) =>
        statementsOf(policy).flatMap((s) => list(s.Action)),
      );
      const connectionActions = actions.filter((action) => action.includes("connection"));
      assert.ok(connectionActions.length > 0);
      assert.ok(
        connectionActions.every((action) => action.startsWith("codestar-connections:")),
        connectionActions.join(", "),
      );
      assert.deepEqual(only(custom, "aws:codebuild/webhook:Webhook").inputs.pullRequestBuildPolicy, {
        requiresCommentApproval: "DISABLED",
      });
    });
  });
});
