import { strict as assert } from "node:assert";
import {
  actionCovers,
  isFullActionWildcard,
  isNamedRoleArn,
  isPartialActionWildcard,
  resourceScope,
} from "../../policies/lib/iam-patterns";
import { plaintextSecretReason } from "../../policies/lib/secrets";
import { configDefaults } from "../../policies/lib/policy";
import { noSecretsInEnvironment } from "../../policies/lambda";

describe("IAM patterns", () => {
  it("tells full from partial action wildcards", () => {
    for (const action of ["*", "s3:*", "S3:*", "*:*", "*:GetObject", "s3:?*", "s3:**"]) {
      assert.ok(isFullActionWildcard(action), action);
      assert.ok(!isPartialActionWildcard(action), action);
    }
    for (const action of ["s3:Get*", "dynamodb:*Item", "iam:Pass?ole"]) {
      assert.ok(isPartialActionWildcard(action), action);
      assert.ok(!isFullActionWildcard(action), action);
    }
    assert.ok(!isFullActionWildcard("s3:GetObject") && !isPartialActionWildcard("s3:GetObject"));
  });

  it("matches action patterns case-insensitively", () => {
    assert.ok(actionCovers("iam:Pass*", "iam:PassRole"));
    assert.ok(actionCovers("IAM:PASSROLE", "iam:PassRole"));
    assert.ok(actionCovers("i?m:*", "iam:PassRole"));
    assert.ok(!actionCovers("iam:Pass", "iam:PassRole"));
    assert.ok(!actionCovers("iam:Get*", "iam:PassRole"));
    assert.ok(!actionCovers("iam.PassRole", "iamXPassRole"), "a dot is literal");
  });

  it("measures how much a resource names", () => {
    const table: [string, string][] = [
      ["*", "all"],
      ["arn:aws:s3:::*", "all"],
      ["arn:aws:s3:::*/*", "all"],
      ["arn:aws:sns:us-east-1:123456789012:*", "all"],
      ["arn:aws:*:*:*:*", "all"],
      ["arn:aws:dynamodb:us-east-1:123456789012:table/*", "type-wide"],
      ["arn:aws:dynamodb:us-east-1:123456789012:table/*/index/*", "type-wide"],
      ["arn:aws:lambda:us-east-1:123456789012:function:*", "type-wide"],
      ["arn:aws:logs:us-east-1:123456789012:log-group:*:*", "type-wide"],
      ["arn:aws:iam::123456789012:role/*", "type-wide"],
      ["arn:aws:s3:::reports/*", "scoped"],
      ["arn:aws:s3:::reports", "scoped"],
      ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:*", "scoped"],
      ["arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*", "scoped"],
      ["arn:aws:lambda:us-east-1:123456789012:function:shop-*", "scoped"],
      ["arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-jwt-*", "scoped"],
      ["arn:aws:sqs:us-east-1:123456789012:jobs", "scoped"],
    ];
    for (const [resource, scope] of table) assert.equal(resourceScope(resource), scope, resource);
  });

  it("recognises named role ARNs", () => {
    assert.ok(isNamedRoleArn("arn:aws:iam::123456789012:role/service-role/shop-build"));
    assert.ok(!isNamedRoleArn("arn:aws:iam::123456789012:role/shop-*"));
    assert.ok(!isNamedRoleArn("arn:aws:iam::*:role/shop-build"));
    assert.ok(!isNamedRoleArn("arn:aws:s3:::bucket"));
  });
});

describe("plaintext secret detection", () => {
  const settings = configDefaults(noSecretsInEnvironment.configSchema!) as unknown as Parameters<
    typeof plaintextSecretReason
  >[2];

  it("flags secret-like names by word, whatever the casing or separator", () => {
    for (const name of [
      "JWT_SECRET",
      "jwtSecret",
      "db-password",
      "GITHUB_TOKEN",
      "stripeApiKey",
      "AWS_SECRET_ACCESS_KEY",
      "PRIVATE_KEY",
    ]) {
      assert.ok(plaintextSecretReason(name, "literal", settings), name);
    }
  });

  it("leaves references, settings about secrets and unrelated words alone", () => {
    const fine: [string, string][] = [
      ["JWT_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:x"],
      ["JWT_SECRET", "arn:aws:secretsmanager:us-east-1:1:secret:x"],
      ["DB_PASSWORD", "{{resolve:ssm-secure:/shop/db}}"],
      ["REFRESH_TOKENS_TABLE", "shop-refresh-tokens"],
      ["TOKEN_TTL_SECONDS", "900"],
      ["SECRETARY_EMAIL", "x@example.com"],
      ["TOKENIZER", "bert"],
      ["JWT_SECRET", ""],
    ];
    for (const [name, value] of fine)
      assert.equal(plaintextSecretReason(name, value, settings), undefined, name);
  });

  it("flags secret-looking values under any name", () => {
    assert.match(plaintextSecretReason("X", "ASIAIOSFODNN7EXAMPLE", settings)!, /access key id/);
    assert.match(plaintextSecretReason("X", "-----BEGIN OPENSSH PRIVATE KEY-----", settings)!, /private key/);
  });
});
