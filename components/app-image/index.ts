/**
 * AppImage: builds the app's Lambda container image with BuildKit (`@pulumi/docker-build`) for one
 * platform and pushes it to the ECR repository, logging in with a short-lived ECR authorization token.
 * Consumers get `imageUri` = `<repository url>@<digest>`: functions are pinned to the exact bytes that
 * were built and scanned, never to a tag.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";

export { contentTag, contextHash } from "./content-tag";

export type ImagePlatform = "linux/amd64" | "linux/arm64";

export interface AppImageArgs {
  /** Repository URL to push to (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). Required. */
  readonly repositoryUrl: pulumi.Input<string>;
  /** Registry (account) id of the repository, for the ECR login. Required. */
  readonly registryId: pulumi.Input<string>;
  /** Image tag, unique per build (the repository's tags are immutable). Required. */
  readonly tag: pulumi.Input<string>;
  /** Build context directory (absolute). Required. */
  readonly contextPath: string;
  /** Dockerfile path. Default: `<contextPath>/Dockerfile`. */
  readonly dockerfilePath?: string;
  /** Target platform. Default: "linux/amd64". */
  readonly platform?: pulumi.Input<ImagePlatform>;
  /** Docker build arguments. Default: none. */
  readonly buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Builds during `pulumi preview` too. Default: false, so a preview (merge requests, read-only
   * credentials, machines without a Docker daemon) never needs Docker or registry access.
   */
  readonly buildOnPreview?: pulumi.Input<boolean>;
}

export class AppImage extends pulumi.ComponentResource {
  /** `<repository url>@sha256:...`: what functions run. */
  public readonly imageUri: pulumi.Output<string>;
  public readonly digest: pulumi.Output<string>;
  /** `<repository url>:<tag>`. */
  public readonly taggedReference: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:image:AppImage", name, {}, opts);

    const dockerfilePath = args.dockerfilePath ?? path.join(args.contextPath, "Dockerfile");
    const platform = args.platform ?? "linux/amd64";
    const buildOnPreview = args.buildOnPreview ?? false;

    const credentials = aws.ecr.getAuthorizationTokenOutput(
      { registryId: args.registryId },
      { parent: this },
    );
    const taggedReference = pulumi.interpolate`${args.repositoryUrl}:${args.tag}`;

    const image = new dockerBuild.Image(
      name,
      {
        context: { location: args.contextPath },
        dockerfile: { location: dockerfilePath },
        platforms: [platform],
        buildArgs: args.buildArgs,
        buildOnPreview,
        push: true,
        tags: [taggedReference],
        registries: [
          {
            address: args.repositoryUrl,
            username: credentials.userName,
            password: pulumi.secret(credentials.password),
          },
        ],
      },
      { parent: this },
    );

    this.digest = image.digest;
    this.imageUri = pulumi.interpolate`${args.repositoryUrl}@${image.digest}`;
    this.taggedReference = taggedReference;
    this.registerOutputs({
      imageUri: this.imageUri,
      digest: this.digest,
      taggedReference: this.taggedReference,
    });
  }
}
