import { strict as assert } from "node:assert";
import fc from "fast-check";
import { policies } from "../../policies/pack";
import { arn, json, P, resource } from "./corpus/case";
import { analyzeResource, of, unknownString, violatedPolicies } from "./harness";

const rolePolicy = (policy: unknown) =>
  resource("aws:iam/rolePolicy:RolePolicy", "policy", { role: "shop-api", policy });
const detail = (message: string) => message.split("\n").slice(1).join("\n");

describe("IAM document policies", () => {
  describe("messages name the statement, the offending value and the fix", () => {
    it("a service wildcard in the second statement", async () => {
      const result = await analyzeResource(
        policies,
        rolePolicy(
          json({
            Statement: [
              { Effect: "Allow", Action: "sqs:SendMessage", Resource: arn.queue("jobs") },
              {
                Sid: "Admin",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:*"],
                Resource: `${arn.bucket("r")}/*`,
              },
            ],
          }),
        ),
      );
      const [diagnostic] = of(result, P.actions);
      assert.equal(
        detail(diagnostic.message),
        'policy, statement 2 (Sid "Admin"): Allow of action "s3:*" grants every s3 action; list the exact actions the workload calls instead.',
      );
      assert.ok(
        diagnostic.message.startsWith(diagnostic.description),
        "the runtime puts the description first",
      );
    });

    it("an inline policy of a role, and the resource it leaves unbounded", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:iam/role:Role", "role", {
          assumeRolePolicy: json({
            Statement: [
              { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
          }),
          inlinePolicies: [
            {
              name: "tables",
              policy: json({
                Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: arn.table("*") }],
              }),
            },
          ],
        }),
      );
      assert.deepEqual(
        of(result, P.resources).map((d) => detail(d.message)),
        [
          'inlinePolicies[0] ("tables"), statement 1: Allow of "dynamodb:GetItem" on resource "' +
            arn.table("*") +
            '" names every resource of its type; name the exact ARNs the stack created instead.',
        ],
      );
    });

    it("a public principal in a resource policy", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:sns/topicPolicy:TopicPolicy", "topic", {
          arn: arn.topic("alerts"),
          policy: {
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: ["*"] },
                Action: "sns:Publish",
                Resource: arn.topic("alerts"),
              },
            ],
          },
        }),
      );
      const [diagnostic] = of(result, P.resourcePublic);
      assert.match(
        detail(diagnostic.message),
        /^policy, statement 1: Allow to public principal \{"AWS": "\*"\} with no restricting condition, .*aws:SourceArn/,
      );
    });

    it("one violation per offending resource, each naming it", async () => {
      const result = await analyzeResource(
        policies,
        rolePolicy({
          Statement: [
            { Effect: "Allow", Action: "iam:PassRole", Resource: [arn.role("ok"), arn.role("shop-*"), "*"] },
          ],
        }),
      );
      const messages = of(result, P.passRole).map((d) => detail(d.message));
      assert.equal(messages.length, 2);
      assert.match(messages[0], /on resource "arn:aws:iam::123456789012:role\/shop-\*"/);
      assert.match(messages[1], /on resource "\*"/);
    });
  });

  describe("configuration", () => {
    const putMetrics = rolePolicy(
      json({ Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }] }),
    );

    it('starOnlyActions adds actions to those allowed on Resource "*"', async () => {
      // AWS's data gives PutMetricData an (optional) dataset resource type, so it is not "*"-only there.
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, putMetrics)), [P.resources]);
      const configured = await analyzeResource(policies, putMetrics, {
        config: { [P.resources]: { starOnlyActions: ["cloudwatch:PutMetricData"] } },
      });
      assert.deepEqual(violatedPolicies(configured), []);
    });

    it('takes "*"-only actions from AWS\'s data, whatever the setting holds', async () => {
      const describe = rolePolicy(
        json({
          Statement: [
            {
              Effect: "Allow",
              Action: ["ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments"],
              Resource: "*",
            },
          ],
        }),
      );
      const strict = await analyzeResource(policies, describe, {
        config: { [P.resources]: { starOnlyActions: [] } },
      });
      assert.deepEqual(violatedPolicies(strict), []);
    });

    it('accepts a partial wildcard on "*" only when every action it covers is "*"-only', async () => {
      const wildcard = (action: string) =>
        rolePolicy(json({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] }));
      // Every xray:GetSampling* action is "*"-only; some ec2:Describe* actions name an instance or image.
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, wildcard("xray:GetSampling*"))), []);
      const describeAll = await analyzeResource(policies, wildcard("ec2:Describe*"));
      assert.deepEqual(violatedPolicies(describeAll), [P.resources]);
      assert.match(
        detail(of(describeAll, P.resources)[0].message),
        /Allow of "ec2:Describe\*" on resource "\*"/,
      );
    });

    it("restrictingConditionKeys decides which conditions make a public principal acceptable", async () => {
      const byIp = resource("aws:s3/bucketPolicy:BucketPolicy", "by-ip", {
        bucket: "b",
        policy: json({
          Statement: [
            {
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: `${arn.bucket("b")}/*`,
              Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
            },
          ],
        }),
      });
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, byIp)), [P.resourcePublic]);
      const configured = await analyzeResource(policies, byIp, {
        config: { [P.resourcePublic]: { restrictingConditionKeys: ["aws:SourceIp"] } },
      });
      assert.deepEqual(violatedPolicies(configured), []);
    });

    it("deniedPolicyNames adds managed policies that may not be attached", async () => {
      const readOnly = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ro", {
        role: "r",
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      });
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, readOnly)), []);
      const configured = await analyzeResource(policies, readOnly, {
        config: { [P.adminPolicies]: { deniedPolicyNames: ["ReadOnlyAccess"] } },
      });
      assert.deepEqual(violatedPolicies(configured), [P.adminPolicies]);
    });

    it("githubProviders covers GitHub Enterprise issuers", async () => {
      const host = "token.actions.githubusercontent.com/acme";
      const role = resource("aws:iam/role:Role", "ghe", {
        assumeRolePolicy: json({
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${host}` },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: { StringLike: { [`${host}:sub`]: "repo:acme/*" } },
            },
          ],
        }),
      });
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, role)), []);
      const configured = await analyzeResource(policies, role, {
        config: { [P.oidc]: { githubProviders: [host], gitlabProviders: [] } },
      });
      assert.deepEqual(violatedPolicies(configured), [P.oidc]);
      assert.equal(of(configured, P.oidc).length, 2, "both aud and sub are reported");
    });

    it("an enforcement level from the pack config replaces the default", async () => {
      const wildcard = rolePolicy(
        json({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: `${arn.bucket("b")}/*` }] }),
      );
      const advisory = await analyzeResource(policies, wildcard, {
        enforcementLevels: { [P.actions]: "advisory" },
      });
      assert.deepEqual(violatedPolicies(advisory), []);
      assert.deepEqual(violatedPolicies(advisory, "advisory"), [P.actions]);
      const disabled = await analyzeResource(policies, wildcard, {
        enforcementLevels: { [P.actions]: "disabled" },
      });
      assert.deepEqual(disabled.diagnostics, []);
    });
  });

  describe("values unknown during preview", () => {
    const cantRun = (result: Awaited<ReturnType<typeof analyzeResource>>) =>
      result.diagnostics
        .filter((d) => d.enforcementLevel === "advisory" && d.message.includes("during preview"))
        .map((d) => d.policyName);

    it("do not hide a known wildcard action", async () => {
      const result = await analyzeResource(
        policies,
        rolePolicy({ Statement: [{ Effect: "Allow", Action: ["S3:*"], Resource: unknownString }] }),
      );
      assert.deepEqual(violatedPolicies(result), [P.actions]);
    });

    it("leave a scoped statement unjudged, which the preview shows as an advisory", async () => {
      const result = await analyzeResource(
        policies,
        rolePolicy({ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: unknownString }] }),
      );
      assert.deepEqual(violatedPolicies(result), []);
      assert.ok(cantRun(result).includes(P.resources), JSON.stringify(result.diagnostics));
    });

    it("count as a restricting condition value and as a named role", async () => {
      const topic = await analyzeResource(
        policies,
        resource("aws:sns/topicPolicy:TopicPolicy", "t", {
          arn: unknownString,
          policy: {
            Statement: [
              {
                Effect: "Allow",
                Principal: "*",
                Action: "sns:Publish",
                Resource: unknownString,
                Condition: { ArnEquals: { "aws:SourceArn": unknownString } },
              },
            ],
          },
        }),
      );
      assert.deepEqual(violatedPolicies(topic), []);
      const pass = await analyzeResource(
        policies,
        rolePolicy({ Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: unknownString }] }),
      );
      assert.deepEqual(violatedPolicies(pass), []);
    });

    it("make a whole unknown document an advisory for every document policy", async () => {
      const result = await analyzeResource(policies, rolePolicy(unknownString));
      assert.deepEqual(violatedPolicies(result), []);
      assert.ok(cantRun(result).includes(P.actions) && cantRun(result).includes(P.parseable));
    });
  });

  describe("the ways a document is written do not change the verdict", () => {
    const actions = [
      "s3:GetObject",
      "s3:*",
      "*",
      "dynamodb:Query",
      "iam:PassRole",
      "xray:PutTraceSegments",
      "iam:Pass*",
      "s3:Get*",
    ];
    const resources = [
      "*",
      `${arn.bucket("r")}/*`,
      arn.table("orders"),
      arn.table("*"),
      arn.role("shop-api"),
      arn.role("*"),
    ];
    const statement = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.uniqueArray(fc.constantFrom(...actions), { minLength: 1, maxLength: 3 }),
      Resource: fc.uniqueArray(fc.constantFrom(...resources), { minLength: 1, maxLength: 2 }),
    });
    type Generated = { Effect: string; Action: string[]; Resource: string[] };
    const style = fc.record({
      asString: fc.boolean(),
      scalars: fc.boolean(),
      lowerKeys: fc.boolean(),
      upperActions: fc.boolean(),
    });

    function write(
      statements: Generated[],
      how: { asString: boolean; scalars: boolean; lowerKeys: boolean; upperActions: boolean },
    ) {
      const key = (name: string) => (how.lowerKeys ? name.toLowerCase() : name);
      const list = (values: string[]) => (how.scalars && values.length === 1 ? values[0] : values);
      const written = statements.map((s) => ({
        [key("Effect")]: how.lowerKeys ? s.Effect.toLowerCase() : s.Effect,
        [key("Action")]: list(s.Action.map((a) => (how.upperActions ? a.toUpperCase() : a))),
        [key("Resource")]: list(s.Resource),
      }));
      const document = {
        [key("Version")]: "2012-10-17",
        [key("Statement")]: how.scalars && written.length === 1 ? written[0] : written,
      };
      return how.asString ? JSON.stringify(document) : document;
    }

    it("JSON string or object, scalar or list, any case", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(statement, { minLength: 1, maxLength: 3 }),
          style,
          async (statements, how) => {
            const canonical = await analyzeResource(
              policies,
              rolePolicy(
                write(statements, { asString: false, scalars: false, lowerKeys: false, upperActions: false }),
              ),
            );
            const styled = await analyzeResource(policies, rolePolicy(write(statements, how)));
            assert.deepEqual(violatedPolicies(styled), violatedPolicies(canonical));
            assert.deepEqual(violatedPolicies(styled, "advisory"), violatedPolicies(canonical, "advisory"));
          },
        ),
        { numRuns: 150 },
      );
    });

    it("a Deny statement never adds a violation, an Allow of a full wildcard is always blocked", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 3 }), async (statements) => {
          const allowed = statements.filter((s) => s.Effect === "Allow");
          const withoutDenies = await analyzeResource(
            policies,
            rolePolicy(
              allowed.length > 0
                ? { Statement: allowed }
                : { Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] },
            ),
          );
          const all = await analyzeResource(policies, rolePolicy({ Statement: statements }));
          assert.deepEqual(violatedPolicies(all), violatedPolicies(withoutDenies));
          const wildcard = allowed.some((s) => s.Action.some((a) => a === "*" || a === "s3:*"));
          assert.equal(violatedPolicies(all).includes(P.actions), wildcard);
        }),
        { numRuns: 150 },
      );
    });
  });
});
