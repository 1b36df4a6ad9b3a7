import { account, arn, json, P, resource, type ResourceCase } from "./case";

/** IAM users with permissions of their own, KMS lockout bypass, and aws-native resources of checked types. */

const readOrders = json({
  Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: arn.table("orders") }],
});
const rootKeyPolicy = json({
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
  ],
});

export const usersKeysNativeCases: ResourceCase[] = [
  {
    title: "users: an inline UserPolicy, however narrow",
    resource: resource("aws:iam/userPolicy:UserPolicy", "alice-orders", {
      user: "alice",
      policy: readOrders,
    }),
    blockedBy: [P.userPolicies],
  },
  {
    title: "users: a customer-managed policy attached to a user",
    resource: resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-attach", {
      user: "alice",
      policyArn: `arn:aws:iam::${account}:policy/shop-read-orders`,
    }),
    blockedBy: [P.userPolicies],
  },
  {
    title: "users: a PolicyAttachment that lists a user next to a group",
    resource: resource("aws:iam/policyAttachment:PolicyAttachment", "mixed-attach", {
      users: ["alice"],
      groups: ["readers"],
      policyArn: `arn:aws:iam::${account}:policy/shop-read-orders`,
    }),
    blockedBy: [P.userPolicies],
  },
  {
    title: "users: a PolicyAttachment to groups and roles only",
    resource: resource("aws:iam/policyAttachment:PolicyAttachment", "group-attach", {
      groups: ["readers"],
      roles: ["shop-api"],
      policyArn: `arn:aws:iam::${account}:policy/shop-read-orders`,
    }),
  },
  {
    title: "users: a GroupPolicyAttachment",
    resource: resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "readers-attach", {
      group: "readers",
      policyArn: `arn:aws:iam::${account}:policy/shop-read-orders`,
    }),
  },
  {
    title: "kms: a Key with bypassPolicyLockoutSafetyCheck",
    resource: resource("aws:kms/key:Key", "bypass-key", {
      enableKeyRotation: true,
      bypassPolicyLockoutSafetyCheck: true,
      policy: rootKeyPolicy,
    }),
    blockedBy: [P.kmsLockout],
  },
  {
    title: "kms: a KeyPolicy with bypassPolicyLockoutSafetyCheck",
    resource: resource("aws:kms/keyPolicy:KeyPolicy", "bypass-policy", {
      keyId: "1234abcd",
      bypassPolicyLockoutSafetyCheck: true,
      policy: rootKeyPolicy,
    }),
    blockedBy: [P.kmsLockout],
  },
  {
    title: "kms: a Key with bypassPolicyLockoutSafetyCheck false",
    resource: resource("aws:kms/key:Key", "no-bypass-key", {
      enableKeyRotation: true,
      bypassPolicyLockoutSafetyCheck: false,
      policy: rootKeyPolicy,
    }),
  },
  ...[
    ["aws-native:iam:Role", { assumeRolePolicyDocument: { Statement: [] } }],
    ["aws-native:s3:Bucket", { bucketName: "shop-native" }],
    ["aws-native:kms:Key", { enableKeyRotation: false }],
    ["aws-native:lambda:Permission", { principal: "*", action: "lambda:InvokeFunction" }],
    ["aws-native:iam:ManagedPolicy", { policyDocument: { Statement: [{ Effect: "Allow", Action: "*" }] } }],
  ].map(([type, properties]): ResourceCase => ({
    title: `aws-native: ${type as string} is refused, the pack cannot judge it`,
    resource: resource(
      type as string,
      `native-${(type as string).split(":").pop()!.toLowerCase()}`,
      properties as Record<string, unknown>,
    ),
    blockedBy: [P.nativeUnchecked],
  })),
  {
    title: "aws-native: a type the pack does not check (aws-native:ssm:Parameter) passes",
    resource: resource("aws-native:ssm:Parameter", "native-parameter", { type: "String", value: "x" }),
  },
];
