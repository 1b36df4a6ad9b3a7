import { strict as assert } from "node:assert";
import { policies } from "../../policies/pack";
import { arn, P, resource, taggedProvider } from "./corpus/case";
import { analyzeResource, of, unknownString, violatedPolicies } from "./harness";
import type { AnalyzedResource } from "../../scripts/preview/types";

const detail = (message: string) => message.split("\n").slice(1).join("\n");
const fn = (variables: Record<string, string>) =>
  resource("aws:lambda/function:Function", "api", {
    tracingConfig: { mode: "Active" },
    reservedConcurrentExecutions: 5,
    environment: { variables },
  });

describe("service policies", () => {
  describe("lambda-no-secrets-in-environment", () => {
    it("names the variable and the reason, never the value", async () => {
      const result = await analyzeResource(policies, fn({ JWT_SECRET: "do-not-print-me" }));
      const [diagnostic] = of(result, P.lambdaSecrets);
      assert.equal(
        detail(diagnostic.message),
        'environment variable "JWT_SECRET" looks like a plaintext secret (its name says SECRET and its value is a ' +
          "literal, not an ARN or reference); store it in Secrets Manager and pass its ARN instead.",
      );
      assert.ok(!diagnostic.message.includes("do-not-print-me"));
    });

    it("allowedVariables silences a variable, secretNameWords adds words", async () => {
      const variables = { SESSION_TOKEN: "abc", SIGNING_SALT: "pepper" };
      assert.deepEqual(
        of(await analyzeResource(policies, fn(variables)), P.lambdaSecrets).map(
          (d) => detail(d.message).split(" looks")[0],
        ),
        ['environment variable "SESSION_TOKEN"'],
      );
      const configured = await analyzeResource(policies, fn(variables), {
        config: { [P.lambdaSecrets]: { allowedVariables: ["SESSION_TOKEN"], secretNameWords: ["SALT"] } },
      });
      assert.deepEqual(
        of(configured, P.lambdaSecrets).map((d) => detail(d.message).split(" looks")[0]),
        ['environment variable "SIGNING_SALT"'],
      );
    });

    it("gives a value unknown during preview the benefit of the doubt", async () => {
      const result = await analyzeResource(policies, fn({ DB_PASSWORD: unknownString }));
      assert.deepEqual(result.diagnostics, []);
    });

    it("passes a function without environment", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:lambda/function:Function", "bare", {
          tracingConfig: { mode: "Active" },
          reservedConcurrentExecutions: 1,
        }),
      );
      assert.deepEqual(result.diagnostics, []);
    });
  });

  describe("cloudwatch-log-group-retention", () => {
    const logGroup = (retentionInDays: number) =>
      resource("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays, kmsKeyId: arn.key("logs") });

    it("minimumRetentionDays raises the floor", async () => {
      const config = { config: { [P.logRetention]: { minimumRetentionDays: 90 } } };
      const short = await analyzeResource(policies, logGroup(30), config);
      assert.deepEqual(
        of(short, P.logRetention).map((d) => detail(d.message)),
        ["retentionInDays is 30; keep logs at least 90 days."],
      );
      assert.deepEqual((await analyzeResource(policies, logGroup(365), config)).diagnostics, []);
      assert.deepEqual((await analyzeResource(policies, logGroup(1))).diagnostics, []);
    });
  });

  describe("tags-required", () => {
    const topic = (properties: Record<string, unknown>, provider?: AnalyzedResource["provider"]) => ({
      type: "aws:sns/topic:Topic",
      name: "alerts",
      properties: { kmsMasterKeyId: arn.key("alerts"), ...properties },
      ...(provider ? { provider } : {}),
    });

    it("reads the resource's tags, tagsAll and the provider's defaultTags, ignoring case", async () => {
      assert.deepEqual((await analyzeResource(policies, topic({}, taggedProvider))).diagnostics, []);
      assert.deepEqual(
        (await analyzeResource(policies, topic({ tags: { Project: "p", Stack: "s", Owner: "o" } })))
          .diagnostics,
        [],
      );
      assert.deepEqual(
        (await analyzeResource(policies, topic({ tagsAll: { project: "p", stack: "s", owner: "o" } })))
          .diagnostics,
        [],
      );
      const objectDefaults = {
        ...taggedProvider,
        properties: { defaultTags: { tags: { project: "p", stack: "s", owner: "o" } } },
      };
      assert.deepEqual((await analyzeResource(policies, topic({}, objectDefaults))).diagnostics, []);
    });

    it("defers to the update when the tags are unknown during preview", async () => {
      const result = await analyzeResource(policies, topic({ tags: unknownString }));
      assert.deepEqual(
        result.diagnostics.map((d) => [d.policyName, d.enforcementLevel, /during preview/.test(d.message)]),
        [["tags-required", "advisory", true]],
      );
    });

    it("names the missing keys, and requiredTags replaces them", async () => {
      const partial = await analyzeResource(policies, topic({ tags: { project: "p" } }));
      assert.deepEqual(
        of(partial, "tags-required").map((d) => detail(d.message)),
        ['tags "stack", "owner" missing; add them to the provider\'s defaultTags.'],
      );
      const configured = await analyzeResource(policies, topic({ tags: { project: "p" } }), {
        config: { "tags-required": { requiredTags: ["project"] } },
      });
      assert.deepEqual(configured.diagnostics, []);
    });
  });

  describe("single-type policies", () => {
    it("are reported not applicable to other types by the runtime, without running", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", {}),
      );
      assert.deepEqual(result.diagnostics, []);
      const reasons = new Map(result.notApplicable.map((entry) => [entry.policyName, entry.reason]));
      assert.equal(
        reasons.get(P.ecrScan),
        "Policy only applies to resources of type 'aws:ecr/repository:Repository'",
      );
      assert.equal(
        reasons.get(P.trustPublic),
        "Policy only applies to resources of type 'aws:iam/role:Role'",
      );
    });
  });

  describe("kms-key-rotation", () => {
    it("skips keys that cannot rotate (HMAC) and names the fix otherwise", async () => {
      const hmac = resource("aws:kms/key:Key", "hmac", {
        customerMasterKeySpec: "HMAC_256",
        keyUsage: "GENERATE_VERIFY_MAC",
      });
      assert.deepEqual(violatedPolicies(await analyzeResource(policies, hmac)), []);
      const plain = await analyzeResource(policies, resource("aws:kms/key:Key", "k", {}));
      assert.deepEqual(
        of(plain, P.kmsRotation).map((d) => detail(d.message)),
        ["enableKeyRotation is not true; set it to true."],
      );
    });
  });

  describe("customer-managed keys (advisory)", () => {
    it("treat the AWS-managed alias as not customer-managed", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:sns/topic:Topic", "t", { kmsMasterKeyId: "alias/aws/sns" }),
      );
      assert.deepEqual(violatedPolicies(result), []);
      assert.deepEqual(
        of(result, "sns-customer-managed-key").map((d) => detail(d.message)),
        ['kmsMasterKeyId is "alias/aws/sns", the AWS-managed key; use a customer-managed KMS key.'],
      );
    });

    it("become mandatory through the pack config", async () => {
      const table = resource("aws:dynamodb/table:Table", "t", {
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
      });
      const result = await analyzeResource(policies, table, {
        enforcementLevels: { "dynamodb-customer-managed-key": "mandatory" },
      });
      assert.deepEqual(violatedPolicies(result), ["dynamodb-customer-managed-key"]);
    });
  });

  describe("apigateway-stage-access-logging and throttling", () => {
    it("list every missing setting", async () => {
      const result = await analyzeResource(
        policies,
        resource("aws:apigatewayv2/stage:Stage", "s", { apiId: "a", name: "$default" }),
      );
      assert.deepEqual(
        result.diagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => detail(d.message)),
        [
          "accessLogSettings.destinationArn and accessLogSettings.format not set; send access logs to a log group.",
          "defaultRouteSettings.throttlingBurstLimit and defaultRouteSettings.throttlingRateLimit not set; set positive limits.",
        ],
      );
    });
  });
});
