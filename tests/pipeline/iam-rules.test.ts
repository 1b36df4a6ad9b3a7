import assert from "node:assert/strict";
import { connectionServicePrefix } from "../../components/ci-pipeline/arns";
import type { Statement } from "../infra/support/run-queries";
import { identityPolicyProblems, isUnscopedResource, trustPolicyProblems } from "./support/iam-rules";

/** The CiPipeline tests lean on these checks to find nothing; here they must find every flaw. */
describe("least-privilege checks used by the pipeline tests", () => {
  const allow = (
    Action: string | string[],
    Resource: string | string[],
    extra: Partial<Statement> = {},
  ): Statement => ({
    Sid: "Probe",
    Effect: "Allow",
    Action,
    Resource,
    ...extra,
  });
  const problems = (statement: Statement) =>
    identityPolicyProblems([statement], ["ecr:GetAuthorizationToken"]);

  it("flag wildcard actions of every shape", () => {
    for (const action of ["*", "s3:*", "s3:Get*", "iam:Pass*", "*:GetObject"]) {
      assert.equal(problems(allow(action, "arn:aws:s3:::bucket/key")).length, 1, action);
    }
  });

  it('flag "*" and type-wide resources, unless every action only accepts "*"', () => {
    assert.deepEqual(problems(allow("ecr:GetAuthorizationToken", "*")), []);
    assert.equal(problems(allow(["ecr:GetAuthorizationToken", "ecr:PutImage"], "*")).length, 1);
    for (const resource of [
      "*",
      "arn:aws:kms:us-east-1:123456789012:key/*",
      "arn:aws:dynamodb:us-east-1:123456789012:table/*",
      "arn:aws:lambda:us-east-1:123456789012:function:*",
      "arn:aws:s3:::*/*",
    ]) {
      assert.ok(isUnscopedResource(resource), resource);
    }
    for (const resource of [
      "arn:aws:dynamodb:us-east-1:123456789012:table/shop-dev-*",
      "arn:aws:s3:::bucket/*",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/shop-dev-*:*",
      "arn:aws:sns:us-east-1:123456789012:shop-dev-*",
    ]) {
      assert.ok(!isUnscopedResource(resource), resource);
    }
  });

  it("flag NotAction, and PassRole on a role pattern", () => {
    assert.equal(
      problems({
        Sid: "Probe",
        Effect: "Allow",
        NotAction: "iam:*",
        Resource: "arn:aws:s3:::b",
        Action: "s3:GetObject",
      }).length,
      1,
    );
    assert.deepEqual(problems(allow("iam:PassRole", "arn:aws:iam::123456789012:role/shop-dev-api")), []);
    assert.equal(problems(allow("iam:PassRole", "arn:aws:iam::123456789012:role/shop-dev-*")).length, 1);
  });

  it("flag trust that any account or any repository could use", () => {
    const service = {
      Sid: "S",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Service: "codebuild.amazonaws.com" },
    };
    assert.equal(trustPolicyProblems([service], "123456789012").length, 1);
    assert.deepEqual(
      trustPolicyProblems(
        [{ ...service, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
        "123456789012",
      ),
      [],
    );
    const github = (Condition: Statement["Condition"]): Statement => ({
      Sid: "G",
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
      Condition,
    });
    const host = "token.actions.githubusercontent.com";
    assert.deepEqual(
      trustPolicyProblems(
        [
          github({
            StringEquals: {
              [`${host}:aud`]: "sts.amazonaws.com",
              [`${host}:sub`]: "repo:org/app:ref:refs/heads/main",
            },
          }),
        ],
        "123456789012",
      ),
      [],
    );
    assert.equal(
      trustPolicyProblems(
        [github({ StringEquals: { [`${host}:sub`]: "repo:org/app:ref:refs/heads/main" } })],
        "123456789012",
      ).length,
      1,
    );
    assert.equal(
      trustPolicyProblems(
        [github({ StringEquals: { [`${host}:aud`]: "sts.amazonaws.com", [`${host}:sub`]: "repo:org/*" } })],
        "123456789012",
      ).length,
      1,
    );
    assert.equal(trustPolicyProblems([{ ...service, Principal: "*" }], "123456789012").length, 1);
  });
});

describe("connection ARNs", () => {
  it("name the IAM service their actions belong to, and anything else is refused", () => {
    assert.equal(
      connectionServicePrefix("arn:aws:codeconnections:us-east-1:123456789012:connection/x"),
      "codeconnections",
    );
    assert.equal(
      connectionServicePrefix("arn:aws:codestar-connections:us-east-1:123456789012:connection/x"),
      "codestar-connections",
    );
    assert.throws(
      () => connectionServicePrefix("arn:aws:iam::123456789012:role/x"),
      /not a CodeConnections connection ARN/,
    );
  });
});
