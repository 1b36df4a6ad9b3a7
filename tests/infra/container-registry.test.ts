import assert from "node:assert/strict";
import { ContainerRegistry } from "../../components/container-registry";
import {
  defaultTestConfig,
  descendantsOf,
  ofType,
  only,
  runUnderMocks,
  statementsOf,
} from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };

describe("ContainerRegistry", () => {
  it("creates an immutable, scanned, KMS-encrypted repository that only this account's Lambda functions can pull from", async () => {
    const run = await runUnderMocks(() => {
      const registry = new ContainerRegistry("shop-test-registry", {
        repositoryName: "shop-test-app",
        pullerFunctionNamePattern: "shop-test-*",
      });
      return { url: registry.repositoryUrl };
    }, options);

    const repository = only(run, "aws:ecr/repository:Repository");
    assert.equal(repository.inputs.name, "shop-test-app");
    assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE");
    assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.deepEqual(repository.inputs.encryptionConfigurations, [
      { encryptionType: "KMS", kmsKey: only(run, "aws:kms/key:Key").outputs.arn },
    ]);
    assert.equal(repository.inputs.forceDelete, false);
    assert.equal(run.outputs.url.value, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-test-app");

    const policy = only(run, "aws:ecr/repositoryPolicy:RepositoryPolicy");
    assert.equal(policy.inputs.repository, "shop-test-app");
    assert.deepEqual(statementsOf(policy), [
      {
        Sid: "LambdaPullForThisAccountsFunctions",
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Principal: { Service: "lambda.amazonaws.com" },
        Condition: {
          StringLike: { "aws:sourceArn": "arn:aws:lambda:us-east-1:123456789012:function:shop-test-*" },
        },
      },
    ]);

    const scanning = only(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
    assert.equal(scanning.inputs.scanType, "ENHANCED");
    assert.deepEqual(scanning.inputs.rules, [
      { scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
    ]);

    const component = only(run, "shop:ecr:ContainerRegistry");
    for (const child of descendantsOf(run, component)) assert.match(child.name, /^shop-test-registry(-|$)/);
  });

  it("expires untagged images after N days and keeps the newest M release images", async () => {
    const run = await runUnderMocks(() => {
      new ContainerRegistry("registry", {
        untaggedImageExpiryDays: 2,
        releaseImagesToKeep: 9,
        forceDelete: true,
      });
    }, options);

    assert.equal(only(run, "aws:ecr/repository:Repository").inputs.forceDelete, true);
    const lifecycle = JSON.parse(
      only(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy as string,
    );
    assert.deepEqual(lifecycle.rules, [
      {
        rulePriority: 1,
        description: "Expire untagged images",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 2,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: "Keep only the most recent release images",
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: 9,
        },
        action: { type: "expire" },
      },
    ]);
  });

  it("leaves the account-wide scanning configuration alone when told to", async () => {
    const run = await runUnderMocks(() => {
      new ContainerRegistry("registry", { manageRegistryScanning: false });
    }, options);
    assert.equal(
      ofType(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
      0,
    );
    assert.match(
      statementsOf(only(run, "aws:ecr/repositoryPolicy:RepositoryPolicy"))[0].Condition!.StringLike[
        "aws:sourceArn"
      ] as string,
      /:function:\*$/,
    );
  });
});
