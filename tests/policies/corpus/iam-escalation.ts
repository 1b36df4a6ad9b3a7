import { account, arn, json, P, resource, type ResourceCase } from "./case";

/**
 * Privilege escalation on named ARNs: every unsafe case is blocked by iam-no-privilege-escalation alone
 * (its resources are exact ARNs and its actions exact names, so no other IAM policy objects).
 */

const allow = (Action: unknown, Resource: unknown, Sid?: string) => ({
  ...(Sid ? { Sid } : {}),
  Effect: "Allow",
  Action,
  Resource,
});
const role = arn.role("shop-api");
const user = `arn:aws:iam::${account}:user/alice`;
const group = `arn:aws:iam::${account}:group/shop-admins`;
const managedPolicy = `arn:aws:iam::${account}:policy/shop-api`;
const fn = arn.function("shop-api");
const passApiRole = allow("iam:PassRole", role, "PassApiRole");

const escalating: { title: string; name: string; type?: string; statements: unknown[]; raw?: boolean }[] = [
  {
    title: "iam:CreatePolicyVersion on one managed policy",
    name: "policy-version",
    statements: [allow("iam:CreatePolicyVersion", managedPolicy)],
  },
  {
    title: "iam:SetDefaultPolicyVersion on one managed policy",
    name: "default-version",
    statements: [allow(["iam:SetDefaultPolicyVersion"], managedPolicy)],
  },
  {
    title: "iam:AttachRolePolicy on the role itself",
    name: "attach-role",
    statements: [allow("iam:AttachRolePolicy", role)],
  },
  {
    title: "iam:AttachUserPolicy, action in lower case",
    name: "attach-user",
    statements: [allow("iam:attachuserpolicy", user)],
  },
  {
    title: "iam:AttachGroupPolicy on one group",
    name: "attach-group",
    statements: [allow("IAM:AttachGroupPolicy", group)],
  },
  {
    title: "iam:PutRolePolicy on the role itself",
    name: "put-role",
    statements: [allow("iam:PutRolePolicy", role)],
  },
  {
    title: "iam:PutUserPolicy on one user",
    name: "put-user",
    statements: [allow(["iam:GetUser", "iam:PutUserPolicy"], user)],
  },
  {
    title: "iam:PutGroupPolicy on one group",
    name: "put-group",
    statements: [allow("iam:PutGroupPolicy", group)],
  },
  {
    title: "iam:Put*Policy, a partial wildcard that covers the Put*Policy actions",
    name: "put-star",
    statements: [allow("iam:Put*Policy", role)],
  },
  { title: "iam:Attach* on one role", name: "attach-star", statements: [allow("iam:Attach*", role)] },
  {
    title: "iam:UpdateAssumeRolePolicy on one role",
    name: "trust-rewrite",
    statements: [allow("iam:UpdateAssumeRolePolicy", role)],
  },
  {
    title: "iam:AddUserToGroup on one group",
    name: "join-group",
    statements: [allow("iam:AddUserToGroup", group)],
  },
  {
    title: "iam:DeleteRolePermissionsBoundary on one role",
    name: "drop-boundary",
    statements: [allow("iam:DeleteRolePermissionsBoundary", role)],
  },
  {
    title: "iam:CreateAccessKey for another user",
    name: "access-key",
    statements: [allow("iam:CreateAccessKey", user)],
  },
  {
    title: "iam:CreateLoginProfile for users under a path",
    name: "login-profile",
    statements: [allow("iam:CreateLoginProfile", `arn:aws:iam::${account}:user/ops/alice`)],
  },
  {
    title: "iam:UpdateLoginProfile for the caller and another user",
    name: "update-login",
    statements: [allow("iam:UpdateLoginProfile", [`arn:aws:iam::${account}:user/\${aws:username}`, user])],
  },
  {
    title: "lambda:UpdateFunctionCode on one function",
    name: "update-code",
    statements: [allow("lambda:UpdateFunctionCode", fn)],
  },
  {
    title: "lambda:CreateFunction + lambda:InvokeFunction with iam:PassRole on a named role",
    name: "lambda-create-invoke",
    statements: [allow(["lambda:CreateFunction", "lambda:InvokeFunction"], fn), passApiRole],
  },
  {
    title: "lambda:CreateFunction + lambda:CreateEventSourceMapping + iam:PassRole, three statements",
    name: "lambda-event-source",
    statements: [
      allow("lambda:CreateFunction", fn),
      allow(
        "lambda:CreateEventSourceMapping",
        `arn:aws:lambda:us-east-1:${account}:event-source-mapping:abc`,
      ),
      passApiRole,
    ],
  },
  {
    title: "lambda:UpdateFunctionConfiguration + iam:PassRole",
    name: "lambda-new-role",
    statements: [allow("lambda:UpdateFunctionConfiguration", fn), passApiRole],
  },
  {
    title: "glue:CreateDevEndpoint + iam:PassRole",
    name: "glue-endpoint",
    statements: [
      allow("glue:CreateDevEndpoint", `arn:aws:glue:us-east-1:${account}:devEndpoint/shop`),
      passApiRole,
    ],
  },
  {
    title: "glue:UpdateDevEndpoint alone",
    name: "glue-update",
    statements: [allow("glue:UpdateDevEndpoint", `arn:aws:glue:us-east-1:${account}:devEndpoint/shop`)],
  },
  {
    title: "cloudformation:CreateStack + iam:PassRole",
    name: "cfn-stack",
    statements: [
      allow("cloudformation:CreateStack", `arn:aws:cloudformation:us-east-1:${account}:stack/shop/*`),
      passApiRole,
    ],
  },
  {
    title: "ec2:RunInstances + iam:PassRole, object document",
    name: "ec2-run",
    raw: true,
    statements: [
      allow(["ec2:RunInstances"], `arn:aws:ec2:us-east-1:${account}:launch-template/lt-0abc`),
      passApiRole,
    ],
  },
  {
    title: "datapipeline:CreatePipeline + PutPipelineDefinition + iam:PassRole",
    name: "data-pipeline",
    statements: [
      allow(
        ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
        `arn:aws:datapipeline:us-east-1:${account}:pipeline/shop`,
      ),
      passApiRole,
    ],
  },
  {
    title: "codebuild:CreateProject + StartBuild + iam:PassRole",
    name: "codebuild-run",
    statements: [
      allow(
        ["codebuild:CreateProject", "codebuild:StartBuild"],
        `arn:aws:codebuild:us-east-1:${account}:project/shop`,
      ),
      passApiRole,
    ],
  },
  {
    title: "sagemaker notebook + presigned URL + iam:PassRole",
    name: "sagemaker-notebook",
    statements: [
      allow(
        ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
        `arn:aws:sagemaker:us-east-1:${account}:notebook-instance/shop`,
      ),
      passApiRole,
    ],
  },
  {
    title: "ecs:RunTask + iam:PassRole",
    name: "ecs-task",
    statements: [
      allow("ecs:RunTask", `arn:aws:ecs:us-east-1:${account}:task-definition/shop:1`),
      passApiRole,
    ],
  },
  {
    title: "ssm:SendCommand on one instance",
    name: "ssm-command",
    statements: [allow("ssm:SendCommand", `arn:aws:ec2:us-east-1:${account}:instance/i-0123456789abcdef0`)],
  },
  {
    title: "iam:CreatePolicyVersion in a User's inline policy",
    name: "user-inline",
    type: "aws:iam/groupPolicy:GroupPolicy",
    statements: [allow("iam:CreatePolicyVersion", managedPolicy)],
  },
];

const policyResource = (c: (typeof escalating)[number]) => {
  const document = { Version: "2012-10-17", Statement: c.statements };
  const type = c.type ?? "aws:iam/rolePolicy:RolePolicy";
  const target = type.includes("group") ? { group: "shop-admins" } : { role: "shop-api" };
  return resource(type, c.name, { ...target, policy: c.raw ? document : json(document) });
};

export const escalationCases: ResourceCase[] = [
  ...escalating.map((c) => ({
    title: `escalation: ${c.title}`,
    resource: policyResource(c),
    blockedBy: [P.escalation],
  })),
  {
    title: "escalation: a role's inline policy that passes a role to a function it creates and invokes",
    resource: resource("aws:iam/role:Role", "inline-escalation", {
      assumeRolePolicy: json({
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        {
          name: "deploy",
          policy: json({
            Statement: [allow(["lambda:CreateFunction", "lambda:InvokeFunction"], fn), passApiRole],
          }),
        },
      ],
    }),
    blockedBy: [P.escalation],
  },
  {
    title: "no escalation: credentials for the caller itself only (${aws:username})",
    resource: resource("aws:iam/groupPolicy:GroupPolicy", "own-keys", {
      group: "developers",
      policy: json({
        Statement: [
          allow(
            ["iam:CreateAccessKey", "iam:UpdateLoginProfile"],
            `arn:aws:iam::${account}:user/\${aws:username}`,
          ),
        ],
      }),
    }),
  },
  {
    title: "no escalation: iam:PassRole with only read and invoke actions of Lambda",
    resource: resource("aws:iam/rolePolicy:RolePolicy", "pass-and-invoke", {
      role: "shop-scheduler",
      policy: json({
        Statement: [allow(["lambda:InvokeFunction", "lambda:GetFunction"], fn), passApiRole],
      }),
    }),
  },
  {
    title: "no escalation: reading IAM (iam:GetRole, iam:ListRolePolicies, iam:GetPolicyVersion)",
    resource: resource("aws:iam/rolePolicy:RolePolicy", "read-iam", {
      role: "shop-audit",
      policy: json({
        Statement: [
          allow(["iam:GetRole", "iam:ListRolePolicies", "iam:GetPolicyVersion"], [role, managedPolicy]),
        ],
      }),
    }),
  },
  {
    title: "no escalation: a Deny of iam:PutRolePolicy",
    resource: resource("aws:iam/rolePolicy:RolePolicy", "deny-put", {
      role: "shop-api",
      policy: json({ Statement: [{ Effect: "Deny", Action: "iam:PutRolePolicy", Resource: role }] }),
    }),
  },
];
