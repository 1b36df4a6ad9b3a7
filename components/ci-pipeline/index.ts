export {
  CiPipeline,
  githubOidcHost,
  previewEvents,
  type CiPipelineArgs,
  type PullRequestCommentApproval,
} from "./ci-pipeline";
export { deployStarOnlyActions, type DeployTarget } from "./deploy-permissions";
