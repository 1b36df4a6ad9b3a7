/**
 * The Pulumi commands this project runs against a stack, in one place: the merge-request preview and the
 * deployment in buildspec/preview.yml and buildspec/deploy.yml, `npm run preview:engine`, and the engine
 * tests all use these argument lists (tests/engine/pulumi-commands.test.ts compares the buildspecs with
 * them), so what the tests prove is what the pipeline runs.
 */

/** The policy pack and its per-stack configuration, relative to the project directory. */
const policyPack = (stack: string) => [
  "--policy-pack",
  "policies",
  "--policy-pack-config",
  `policies/config/${stack}.json`,
];

/** `pulumi preview` with the policy pack: exits non-zero on a mandatory violation. */
export const previewArgs = (stack: string): string[] => [
  "preview",
  "--stack",
  stack,
  ...policyPack(stack),
  "--diff",
  "--non-interactive",
];

/** `pulumi up` with the policy pack; the pipeline passes the image it built and scanned, by digest. */
export const upArgs = (stack: string, options: { imageUri?: string } = {}): string[] => [
  "up",
  "--yes",
  "--stack",
  stack,
  ...policyPack(stack),
  ...(options.imageUri === undefined ? [] : ["--config", `shop-infra:imageUri=${options.imageUri}`]),
  "--diff",
  "--non-interactive",
];
