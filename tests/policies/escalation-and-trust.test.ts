import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { policies } from "../../policies/pack";
import { arn, json, P, resource } from "./corpus/case";
import { analyzeResource, of, violatedPolicies } from "./harness";

const detail = (message: string) => message.split("\n").slice(1).join("\n");
const deployPolicy = (name: string) =>
  resource("aws:iam/rolePolicy:RolePolicy", name, {
    role: "deploy",
    policy: json({
      Statement: [
        { Sid: "Roles", Effect: "Allow", Action: ["iam:PutRolePolicy"], Resource: arn.role("shop-dev-api") },
        { Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: arn.function("shop-dev-api") },
      ],
    }),
  });

describe("iam-no-privilege-escalation", () => {
  it("names each statement, the path and the fix", async () => {
    const messages = of(await analyzeResource(policies, deployPolicy("deploy-policy")), P.escalation).map(
      (d) => detail(d.message),
    );
    assert.equal(messages.length, 2);
    assert.match(
      messages[0],
      /^policy, statement 1 \(Sid "Roles"\): Allow of iam:PutRolePolicy lets the holder write any inline policy into a role/,
    );
    assert.match(messages[1], /^policy, statement 2: Allow of lambda:UpdateFunctionCode .*allowedStatements/);
  });

  it("accepts statements the stack allowlists, by Sid, by position, with wildcards", async () => {
    const config = (allowedStatements: string[]) => ({ config: { [P.escalation]: { allowedStatements } } });
    const partly = await analyzeResource(
      policies,
      deployPolicy("deploy-policy"),
      config(["deploy-policy:Roles"]),
    );
    assert.equal(of(partly, P.escalation).length, 1);
    const both = await analyzeResource(
      policies,
      deployPolicy("deploy-dev-policy"),
      config(["deploy-*-policy:Roles", "deploy-dev-policy:2"]),
    );
    assert.deepEqual(violatedPolicies(both), []);
    const otherResource = await analyzeResource(
      policies,
      deployPolicy("other-policy"),
      config(["deploy-*-policy:*"]),
    );
    assert.equal(of(otherResource, P.escalation).length, 2);
  });

  it("ci.json allowlists exactly the deploy roles' Functions and Roles statements (CodeBuild's and GitHub's)", () => {
    const ci = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "..", "policies", "config", "ci.json"), "utf8"),
    );
    assert.deepEqual(ci[P.escalation].allowedStatements, [
      "shop-ci-deploy-*-policy:Functions",
      "shop-ci-deploy-*-policy:Roles",
      "shop-ci-github-deploy-*-policy:Functions",
      "shop-ci-github-deploy-*-policy:Roles",
    ]);
  });
});

describe("iam-trust-cross-account-external-id", () => {
  const trust = (Condition?: unknown) =>
    resource("aws:iam/role:Role", "vendor", {
      assumeRolePolicy: json({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:root" },
            Action: "sts:AssumeRole",
            ...(Condition ? { Condition } : {}),
          },
        ],
      }),
    });

  it("names the account and the fix, and accepts trustedAccounts", async () => {
    const result = await analyzeResource(policies, trust());
    assert.match(
      detail(of(result, P.crossAccount)[0].message),
      /trusts account 210987654321 without sts:ExternalId; add StringEquals "sts:ExternalId"/,
    );
    const trusted = await analyzeResource(policies, trust(), {
      config: { [P.crossAccount]: { trustedAccounts: ["210987654321"] } },
    });
    assert.deepEqual(violatedPolicies(trusted), []);
  });

  it("accepts an exact ExternalId, not a negated or wildcard one", async () => {
    assert.deepEqual(
      violatedPolicies(
        await analyzeResource(policies, trust({ StringEquals: { "sts:ExternalId": "a1b2" } })),
      ),
      [],
    );
    for (const condition of [
      { StringNotEquals: { "sts:ExternalId": "a1b2" } },
      { StringLike: { "sts:ExternalId": "*" } },
    ]) {
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, trust(condition))), [P.crossAccount]);
    }
  });
});
