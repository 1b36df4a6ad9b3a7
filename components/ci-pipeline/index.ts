export {
  CiPipeline,
  githubOidcHost,
  previewEvents,
  type CiPipelineArgs,
  type PullRequestCommentApproval,
} from "./ci-pipeline";
export { deployStarOnlyActions, type DeployTarget } from "./deploy-permissions";
export {
  githubIdentities,
  githubRoleVariables,
  type GithubIdentity,
  type GithubRolePurpose,
} from "./github-identities";
export {
  PipelineNotifications,
  reportedPipelineStates,
  type PipelineNotificationsArgs,
} from "./pipeline-notifications";
