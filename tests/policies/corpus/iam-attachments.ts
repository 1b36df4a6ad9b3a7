import { json, P, resource, type ResourceCase } from "./case";

const awsManaged = (name: string, partition = "aws") => `arn:${partition}:iam::aws:policy/${name}`;
const lambdaTrust = json({
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** Managed policies attached to roles, users and groups. */
export const attachmentCases: ResourceCase[] = [
  {
    title: "RolePolicyAttachment of AdministratorAccess",
    resource: resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", {
      role: "shop-api",
      policyArn: awsManaged("AdministratorAccess"),
    }),
    blockedBy: [P.adminPolicies],
  },
  {
    title: "UserPolicyAttachment of PowerUserAccess",
    resource: resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "power-user", {
      user: "deployer",
      policyArn: awsManaged("PowerUserAccess"),
    }),
    blockedBy: [P.adminPolicies, P.userPolicies],
  },
  {
    title: "Role.managedPolicyArns with a *FullAccess policy",
    resource: resource("aws:iam/role:Role", "s3-full", {
      assumeRolePolicy: lambdaTrust,
      managedPolicyArns: [
        awsManaged("service-role/AWSLambdaBasicExecutionRole"),
        awsManaged("AmazonS3FullAccess"),
      ],
    }),
    blockedBy: [P.adminPolicies],
  },
  {
    title: "GroupPolicyAttachment of IAMFullAccess",
    resource: resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "iam-full", {
      group: "operators",
      policyArn: awsManaged("IAMFullAccess"),
    }),
    blockedBy: [P.adminPolicies],
  },
  {
    title: "PolicyAttachment of an AdministratorAccess variant",
    resource: resource("aws:iam/policyAttachment:PolicyAttachment", "amplify-admin", {
      roles: ["shop-api"],
      policyArn: awsManaged("AdministratorAccess-Amplify"),
    }),
    blockedBy: [P.adminPolicies],
  },
  {
    title: "*FullAccess in the aws-us-gov partition",
    resource: resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "gov-dynamodb", {
      role: "shop-api",
      policyArn: awsManaged("AmazonDynamoDBFullAccess", "aws-us-gov"),
    }),
    blockedBy: [P.adminPolicies],
  },
  {
    title: "RolePolicyAttachmentsExclusive listing AdministratorAccess",
    resource: resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", {
      roleName: "shop-api",
      policyArns: [awsManaged("AdministratorAccess")],
    }),
    blockedBy: [P.adminPolicies],
  },

  {
    title: "customer-managed policy of this account",
    resource: resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "own-policy", {
      role: "shop-api",
      policyArn: "arn:aws:iam::123456789012:policy/shop-read-reports",
    }),
  },
  {
    title: "AWS-managed policy that is not admin-level (service-role path)",
    resource: resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "basic-execution", {
      role: "shop-api",
      policyArn: awsManaged("service-role/AWSLambdaBasicExecutionRole"),
    }),
  },
];
