/**
 * ContainerRegistry: the ECR repository the Lambda image lives in. Tags are IMMUTABLE (a tag always means
 * the same bytes), images are scanned on push and, through the registry's ENHANCED scanning
 * configuration, continuously as new CVEs appear; a customer-managed KMS key encrypts the layers; a
 * lifecycle policy expires untagged images and keeps only the newest release images; and the repository
 * policy lets the Lambda service pull, only for functions of this account.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../encryption-key";
import { awsContext } from "../shared/aws-context";
import { policyDocument } from "../shared/policy-documents";

export interface ContainerRegistryArgs {
  /** Repository name (lower case). Default: the component's name. */
  readonly repositoryName?: string;
  /** Lets `pulumi destroy` delete the repository with its images. Default: false. */
  readonly forceDelete?: pulumi.Input<boolean>;
  /** Untagged images expire this many days after push. Default: 7. */
  readonly untaggedImageExpiryDays?: pulumi.Input<number>;
  /** Only this many most recent tagged (release) images are kept. Default: 30. */
  readonly releaseImagesToKeep?: pulumi.Input<number>;
  /**
   * Lambda functions allowed to pull, as a function-name pattern (`*` wildcards). Default: "*" (every
   * function of this account and region).
   */
  readonly pullerFunctionNamePattern?: pulumi.Input<string>;
  /**
   * Sets the account's registry scanning to ENHANCED with continuous scanning of every repository. This
   * is an account-wide setting: let exactly one stack per account and region manage it. Default: true.
   */
  readonly manageRegistryScanning?: boolean;
  /** Days before the repository's KMS key is deleted once removed (7..30). Default: 30. */
  readonly kmsKeyDeletionWindowDays?: pulumi.Input<number>;
}

export class ContainerRegistry extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly repositoryArn: pulumi.Output<string>;
  public readonly repositoryName: pulumi.Output<string>;
  public readonly registryId: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:ecr:ContainerRegistry", name, {}, opts);

    const repositoryName = args.repositoryName ?? name;
    const forceDelete = args.forceDelete ?? false;
    const untaggedImageExpiryDays = args.untaggedImageExpiryDays ?? 7;
    const releaseImagesToKeep = args.releaseImagesToKeep ?? 30;
    const pullerFunctionNamePattern = args.pullerFunctionNamePattern ?? "*";
    const manageRegistryScanning = args.manageRegistryScanning ?? true;

    const { accountId, region, partition } = awsContext(this);

    const key = new EncryptionKey(
      `${name}-key`,
      {
        description: `Encrypts the image layers of the ECR repository ${repositoryName}`,
        deletionWindowInDays: args.kmsKeyDeletionWindowDays,
      },
      { parent: this },
    );

    const repository = new aws.ecr.Repository(
      name,
      {
        name: repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.keyArn }],
        forceDelete,
      },
      { parent: this },
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repository.name,
        policy: pulumi.jsonStringify({
          rules: [
            {
              rulePriority: 1,
              description: "Expire untagged images",
              selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: untaggedImageExpiryDays,
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
                countNumber: releaseImagesToKeep,
              },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );

    new aws.ecr.RepositoryPolicy(
      `${name}-policy`,
      {
        repository: repository.name,
        policy: policyDocument(this, [
          {
            sid: "LambdaPullForThisAccountsFunctions",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
            actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            conditions: [
              {
                test: "StringLike",
                variable: "aws:sourceArn",
                values: [
                  pulumi.interpolate`arn:${partition}:lambda:${region}:${accountId}:function:${pullerFunctionNamePattern}`,
                ],
              },
            ],
          },
        ]),
      },
      { parent: this },
    );

    if (manageRegistryScanning) {
      new aws.ecr.RegistryScanningConfiguration(
        `${name}-scanning`,
        {
          scanType: "ENHANCED",
          rules: [
            {
              scanFrequency: "CONTINUOUS_SCAN",
              repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }],
            },
          ],
        },
        { parent: this },
      );
    }

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
    this.registryId = repository.registryId;
    this.kmsKeyArn = key.keyArn;
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      repositoryArn: this.repositoryArn,
      repositoryName: this.repositoryName,
      registryId: this.registryId,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
