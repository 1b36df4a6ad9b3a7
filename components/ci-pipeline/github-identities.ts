/**
 * Which GitHub Actions jobs may become which AWS role, in one table. The CI stack builds each role's trust
 * from it, and tests/pipeline/workflows.test.ts reads .github/workflows/ against it both ways: every job
 * that assumes a role carries a token whose `sub` that role trusts, and every trusted `sub` is one some
 * job carries. A workflow change that needs another subject therefore fails a test until this table,
 * and so the trust, says so.
 *
 * GitHub puts one of these in a token's `sub` (default claim template):
 * - a job with `environment: <name>`: `repo:<owner>/<repo>:environment:<name>`, whatever the trigger;
 * - otherwise on `pull_request`: `repo:<owner>/<repo>:pull_request`;
 * - otherwise on `push`: `repo:<owner>/<repo>:ref:refs/heads/<branch>`.
 */

/** What a GitHub role is for; each is its own role with its own permissions. */
export type GithubRolePurpose = "image-push" | "preview" | "deploy";

export interface GithubIdentity {
  readonly purpose: GithubRolePurpose;
  /** Stack the role deploys (purpose "deploy" only). */
  readonly stack?: string;
  /** The one `sub` the role trusts. */
  readonly subject: string;
  /**
   * Variable the workflows read the role ARN from: a repository variable, or for deploys an environment
   * variable of the same name in each stack's environment.
   */
  readonly roleVariable: string;
  /** The `environment:` a job must name to get this subject (deploys only). */
  readonly environment?: string;
}

/** Repository variables (Settings > Secrets and variables > Actions > Variables) the workflows read. */
export const githubRoleVariables = {
  "image-push": "AWS_IMAGE_ROLE_ARN",
  preview: "AWS_PREVIEW_ROLE_ARN",
  deploy: "AWS_DEPLOY_ROLE_ARN",
} as const satisfies Record<GithubRolePurpose, string>;

/**
 * The identities of one repository: images are pushed only from pushes to `branch`, pull requests to it
 * preview read-only, and each deploy stack is reached only through the GitHub environment named after it
 * (whose protection rules say which branch and which reviewers; see docs/delivery-pipeline.md, "GitHub Actions").
 */
export function githubIdentities(
  repository: string,
  branch: string,
  deployStacks: readonly string[],
): GithubIdentity[] {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new Error(`"${repository}" is not <owner>/<name>`);
  }
  return [
    {
      purpose: "image-push",
      subject: `repo:${repository}:ref:refs/heads/${branch}`,
      roleVariable: githubRoleVariables["image-push"],
    },
    {
      purpose: "preview",
      subject: `repo:${repository}:pull_request`,
      roleVariable: githubRoleVariables.preview,
    },
    ...deployStacks.map((stack) => ({
      purpose: "deploy" as const,
      stack,
      subject: `repo:${repository}:environment:${stack}`,
      roleVariable: githubRoleVariables.deploy,
      environment: stack,
    })),
  ];
}
