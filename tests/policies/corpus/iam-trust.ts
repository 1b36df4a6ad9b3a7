import { account, arn, json, P, resource, type ResourceCase } from "./case";

const role = (name: string, assumeRolePolicy: unknown) =>
  resource("aws:iam/role:Role", name, { assumeRolePolicy });
const github = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
const gitlab = `arn:aws:iam::${account}:oidc-provider/gitlab.com`;
const webIdentity = (Federated: string, Condition: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition },
  ],
});
const audience = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

/** Trust policies: who may assume a role. */
export const trustCases: ResourceCase[] = [
  {
    title: 'Principal "*"',
    resource: role(
      "anyone",
      json({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] }),
    ),
    blockedBy: [P.trustPublic],
  },
  {
    title: '{"AWS": "*"} in an object document',
    resource: role("any-aws", {
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
    }),
    blockedBy: [P.trustPublic],
  },
  {
    title: '"*" hidden in a list of AWS principals',
    resource: role(
      "hidden-any",
      json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::123456789012:user/alice", "*"] },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    ),
    blockedBy: [P.trustPublic],
  },
  {
    title: "any account's root (arn:aws:iam::*:root)",
    resource: role(
      "any-root",
      json({
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "sts:AssumeRole" }],
      }),
    ),
    blockedBy: [P.trustPublic],
  },
  {
    title: "public principal even with an organization condition",
    resource: role(
      "org-any",
      json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
          },
        ],
      }),
    ),
    blockedBy: [P.trustPublic],
  },
  {
    title: "GitHub OIDC without a sub condition",
    resource: role("github-no-sub", json(webIdentity(github, { StringEquals: audience }))),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub sub open to a whole owner (repo:acme/*)",
    resource: role(
      "github-owner",
      json(
        webIdentity(github, {
          StringEquals: audience,
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub sub repo:* with StringLike",
    resource: role(
      "github-any",
      json(
        webIdentity(github, {
          StringEquals: audience,
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub without an aud condition",
    resource: role(
      "github-no-aud",
      json(
        webIdentity(github, {
          StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub sub compared with StringNotEquals",
    resource: role(
      "github-not",
      json(
        webIdentity(github, {
          StringEquals: audience,
          StringNotEquals: {
            "token.actions.githubusercontent.com:sub": "repo:evil/fork:ref:refs/heads/main",
          },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub sub under StringLikeIfExists (holds when the claim is missing)",
    resource: role(
      "github-if-exists",
      json(
        webIdentity(github, {
          StringEquals: audience,
          StringLikeIfExists: { "token.actions.githubusercontent.com:sub": "repo:acme/shop:*" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub sub with a wildcard owner (repo:*/shop:*), upper-case claim key",
    resource: role(
      "github-any-owner",
      json(
        webIdentity(github, {
          StringEquals: { "TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:AUD": "sts.amazonaws.com" },
          StringLike: { "TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB": "repo:*/shop:*" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitHub aud that is a wildcard",
    resource: role(
      "github-any-aud",
      json(
        webIdentity(github, {
          StringLike: {
            "token.actions.githubusercontent.com:aud": "*",
            "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main",
          },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "GitLab project path with a wildcard",
    resource: role(
      "gitlab-group",
      json(
        webIdentity(gitlab, {
          StringEquals: { "gitlab.com:aud": "https://gitlab.com" },
          StringLike: { "gitlab.com:sub": "project_path:acme/*:ref_type:branch:ref:main" },
        }),
      ),
    ),
    blockedBy: [P.oidc],
  },
  {
    title: "trust grants sts:* to a service",
    resource: role(
      "sts-all",
      json({
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:*" }],
      }),
    ),
    blockedBy: [P.actions],
  },
  {
    title: "Allow with NotPrincipal",
    resource: role(
      "not-principal",
      json({ Statement: [{ Effect: "Allow", NotPrincipal: { AWS: arn.root }, Action: "sts:AssumeRole" }] }),
    ),
    blockedBy: [P.notElements],
  },

  {
    title: "Lambda service trust, object document",
    resource: role("lambda", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
      ],
    }),
  },
  {
    title: "GitHub OIDC pinned to one repository and branch",
    resource: role(
      "github-main",
      json(
        webIdentity(github, {
          StringEquals: audience,
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main" },
        }),
      ),
    ),
  },
  {
    title: "GitHub sub as a list of pinned subjects (branch and environment)",
    resource: role(
      "github-list",
      json(
        webIdentity(github, {
          StringEquals: {
            ...audience,
            "token.actions.githubusercontent.com:sub": [
              "repo:acme/shop:ref:refs/heads/main",
              "repo:acme/shop:environment:prod",
            ],
          },
        }),
      ),
    ),
  },
  {
    title: "GitLab pinned to a project in a subgroup",
    resource: role(
      "gitlab-main",
      json(
        webIdentity(gitlab, {
          StringEquals: {
            "gitlab.com:aud": "https://gitlab.com",
            "gitlab.com:sub": "project_path:acme/platform/shop:ref_type:branch:ref:main",
          },
        }),
      ),
    ),
  },
  {
    title: "another account's root assumes the role with MFA but no sts:ExternalId",
    resource: role(
      "partner-mfa",
      json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:root" },
            Action: "sts:AssumeRole",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": true } },
          },
        ],
      }),
    ),
    blockedBy: [P.crossAccount],
  },
  {
    title: "another account's role, written as a list, with an ExternalId only IfExists",
    resource: role("partner-if-exists", {
      Statement: {
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::210987654321:role/vendor-scanner"] },
        Action: ["sts:AssumeRole"],
        Condition: { StringEqualsIfExists: { "sts:ExternalId": "shop-7f3a" } },
      },
    }),
    blockedBy: [P.crossAccount],
  },
  {
    title: "another account by its bare account id, ExternalId matched with StringLike *",
    resource: role(
      "partner-bare-id",
      json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "210987654321" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "sts:ExternalId": "*" } },
          },
        ],
      }),
    ),
    blockedBy: [P.crossAccount],
  },
  {
    title: "another account's role with an exact sts:ExternalId",
    resource: role(
      "partner-external-id",
      json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:role/vendor-scanner" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "shop-7f3a9c" } },
          },
        ],
      }),
    ),
  },
];
