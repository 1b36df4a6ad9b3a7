import assert from "node:assert/strict";
import { renderPolicyDocument } from "../../fake-cloud/policy-document";

const render = (inputs: Parameters<typeof renderPolicyDocument>[0]) =>
  JSON.parse(renderPolicyDocument(inputs).json) as Record<string, unknown>;

describe("mock getPolicyDocument", () => {
  it("renders every statement field, collapsing one-element lists to strings as the provider does", () => {
    const document = render({
      statements: [
        {
          sid: "Read",
          actions: ["s3:GetObject"],
          resources: ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
          conditions: [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-123"] }],
        },
        {
          effect: "Deny",
          notActions: ["iam:*"],
          notResources: ["arn:aws:iam::*:role/x"],
          notPrincipals: [{ type: "Service", identifiers: ["a", "b"] }],
        },
      ],
    });
    assert.deepEqual(document, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Read",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"],
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } },
        },
        {
          Effect: "Deny",
          NotAction: "iam:*",
          NotResource: "arn:aws:iam::*:role/x",
          NotPrincipal: { Service: ["a", "b"] },
        },
      ],
    });
  });

  it('renders the anonymous principal as "*" and keeps AWS "*" as an AWS principal', () => {
    const statements = (
      render({
        statements: [
          { actions: ["sns:Publish"], principals: [{ type: "*", identifiers: ["*"] }] },
          { actions: ["sns:Publish"], principals: [{ type: "AWS", identifiers: ["*"] }] },
        ],
      }).Statement as { Principal: unknown }[]
    ).map((s) => s.Principal);
    assert.deepEqual(statements, ["*", { AWS: "*" }]);
  });

  it("groups principals by type and conditions by operator and key, merging repeated values", () => {
    const [statement] = render({
      statements: [
        {
          actions: ["kms:Decrypt"],
          principals: [
            { type: "Service", identifiers: ["logs.amazonaws.com"] },
            { type: "Service", identifiers: ["events.amazonaws.com"] },
            { type: "AWS", identifiers: ["arn:aws:iam::1:root"] },
          ],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["1"] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["2"] },
            { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:events:*:1:rule/*"] },
          ],
        },
      ],
    }).Statement as Record<string, unknown>[];
    assert.deepEqual(statement.Principal, {
      Service: ["logs.amazonaws.com", "events.amazonaws.com"],
      AWS: "arn:aws:iam::1:root",
    });
    assert.deepEqual(statement.Condition, {
      StringEquals: { "aws:SourceAccount": ["1", "2"] },
      ArnLike: { "aws:SourceArn": "arn:aws:events:*:1:rule/*" },
    });
  });

  it("merges source and override documents by Sid, and honours version and policy id", () => {
    const source = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        { Sid: "B", Effect: "Allow", Action: "s3:ListBucket", Resource: "*" },
      ],
    });
    const override = JSON.stringify({
      Version: "2012-10-17",
      Statement: { Sid: "B", Effect: "Deny", Action: "s3:ListBucket", Resource: "*" },
    });
    const document = render({
      policyId: "doc",
      sourcePolicyDocuments: [source],
      statements: [
        { sid: "A", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::b/*"] },
        { actions: ["s3:GetBucketAcl"], resources: ["arn:aws:s3:::b"] },
      ],
      overridePolicyDocuments: [override],
    });
    assert.equal(document.Id, "doc");
    assert.deepEqual(document.Statement, [
      { Sid: "A", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" },
      { Sid: "B", Effect: "Deny", Action: "s3:ListBucket", Resource: "*" },
      { Effect: "Allow", Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::b" },
    ]);
  });

  it("returns the same document minified and a stable id", () => {
    const result = renderPolicyDocument({
      statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-east-1:1:q"] }],
    });
    assert.deepEqual(JSON.parse(result.minifiedJson), JSON.parse(result.json));
    assert.ok(!result.minifiedJson.includes("\n"));
    assert.equal(
      result.id,
      renderPolicyDocument({
        statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-east-1:1:q"] }],
      }).id,
    );
  });
});
