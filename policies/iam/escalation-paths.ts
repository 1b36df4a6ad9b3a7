/**
 * Known ways for a principal to raise its own privileges with IAM permissions alone, as published by Rhino
 * Security Labs ("AWS IAM privilege escalation methods") and encoded in cloudsplaining and pmapper. Each
 * path lists the actions that together make it; `iam:PassRole` in a path means "pass a role to the service
 * that runs the holder's code".
 */
export interface EscalationPath {
  /** The actions that, all allowed, make the path. */
  readonly actions: readonly string[];
  /** What the holder can do with them, for the message. */
  readonly effect: string;
}

const passRole = "iam:PassRole";

export const escalationPaths: readonly EscalationPath[] = [
  { actions: ["iam:CreatePolicyVersion"], effect: "rewrite a managed policy it is attached to" },
  { actions: ["iam:SetDefaultPolicyVersion"], effect: "switch a managed policy to a broader older version" },
  { actions: ["iam:AttachUserPolicy"], effect: "attach any managed policy (AdministratorAccess) to a user" },
  {
    actions: ["iam:AttachGroupPolicy"],
    effect: "attach any managed policy (AdministratorAccess) to a group",
  },
  { actions: ["iam:AttachRolePolicy"], effect: "attach any managed policy (AdministratorAccess) to a role" },
  { actions: ["iam:PutUserPolicy"], effect: "write any inline policy into a user" },
  { actions: ["iam:PutGroupPolicy"], effect: "write any inline policy into a group" },
  { actions: ["iam:PutRolePolicy"], effect: "write any inline policy into a role" },
  {
    actions: ["iam:UpdateAssumeRolePolicy"],
    effect: "let itself assume a role by rewriting its trust policy",
  },
  { actions: ["iam:AddUserToGroup"], effect: "join a group with more permissions" },
  { actions: ["iam:PutUserPermissionsBoundary"], effect: "replace a user's permissions boundary" },
  { actions: ["iam:PutRolePermissionsBoundary"], effect: "replace a role's permissions boundary" },
  { actions: ["iam:DeleteUserPermissionsBoundary"], effect: "remove a user's permissions boundary" },
  { actions: ["iam:DeleteRolePermissionsBoundary"], effect: "remove a role's permissions boundary" },
  { actions: ["lambda:UpdateFunctionCode"], effect: "run its own code with an existing function's role" },
  { actions: ["glue:UpdateDevEndpoint"], effect: "log in to a Glue endpoint and use its role" },
  { actions: ["ssm:SendCommand"], effect: "run commands on instances with their instance roles" },
  { actions: ["ssm:StartSession"], effect: "open a shell on instances with their instance roles" },
  { actions: ["ec2-instance-connect:SendSSHPublicKey"], effect: "log in to instances and use their roles" },
  {
    actions: [passRole, "lambda:CreateFunction", "lambda:InvokeFunction"],
    effect: "create and invoke a function that runs with a passed role",
  },
  {
    actions: [passRole, "lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
    effect: "create a function that runs with a passed role and have events trigger it",
  },
  {
    actions: [passRole, "lambda:CreateFunction", "lambda:AddPermission"],
    effect: "create a function that runs with a passed role and let anyone invoke it",
  },
  {
    actions: [passRole, "lambda:UpdateFunctionConfiguration"],
    effect: "give an existing function a passed role",
  },
  {
    actions: [passRole, "glue:CreateDevEndpoint"],
    effect: "create a Glue endpoint that runs with a passed role",
  },
  {
    actions: [passRole, "glue:CreateJob", "glue:StartJobRun"],
    effect: "run a Glue job with a passed role",
  },
  { actions: [passRole, "glue:UpdateJob"], effect: "give a Glue job a passed role" },
  {
    actions: [passRole, "cloudformation:CreateStack"],
    effect: "create a CloudFormation stack that acts with a passed role",
  },
  {
    actions: [passRole, "cloudformation:UpdateStack"],
    effect: "update a CloudFormation stack to act with a passed role",
  },
  {
    actions: [passRole, "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
    effect: "execute a change set that acts with a passed role",
  },
  { actions: [passRole, "ec2:RunInstances"], effect: "start an instance with a passed role and use it" },
  {
    actions: [passRole, "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
    effect: "run a Data Pipeline with a passed role",
  },
  {
    actions: [passRole, "codebuild:CreateProject", "codebuild:StartBuild"],
    effect: "run a build with a passed role",
  },
  {
    actions: [passRole, "codebuild:UpdateProject", "codebuild:StartBuild"],
    effect: "give a build project a passed role and run it",
  },
  {
    actions: [passRole, "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
    effect: "open a notebook that runs with a passed role",
  },
  { actions: [passRole, "sagemaker:CreateTrainingJob"], effect: "run a training job with a passed role" },
  { actions: [passRole, "sagemaker:CreateProcessingJob"], effect: "run a processing job with a passed role" },
  { actions: [passRole, "ecs:RunTask"], effect: "run a container task with a passed role" },
  {
    actions: [passRole, "autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"],
    effect: "start instances with a passed role",
  },
];

/** Actions that create credentials for a user: escalation unless the resource is the caller itself. */
export const credentialActions: readonly string[] = [
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
];
