import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policies } from "@pulumi/policy";
import { packName, policies } from "../../policies/pack";
import {
  parsePolicyConfig,
  PolicyConfigError,
  reconcilePolicyConfig,
} from "../../scripts/preview/policy-config";
import type { AnalyzerInfo, PolicyInfo } from "../../scripts/preview/types";

/** What GetAnalyzerInfo answers, built from the pack's policies (the protocol tests compare the two). */
function analyzerInfo(list: Policies): AnalyzerInfo {
  return {
    name: packName,
    displayName: "",
    version: "0.1.0",
    supportsConfig: true,
    policies: list.map((policy): PolicyInfo => ({
      name: policy.name,
      description: policy.description,
      enforcementLevel: policy.enforcementLevel ?? "advisory",
      policyType: "resource",
      remediationSteps: policy.remediationSteps ?? "",
      ...(policy.configSchema
        ? {
            configSchema: {
              properties: policy.configSchema.properties as Record<string, unknown>,
              required: policy.configSchema.required ?? [],
            },
          }
        : {}),
    })),
  };
}

const info = analyzerInfo(policies);
const configDir = path.join(__dirname, "..", "..", "policies", "config");

describe("policy pack configuration", () => {
  it("fills every policy with its default level and schema defaults", () => {
    const config = reconcilePolicyConfig(info, {});
    assert.equal(Object.keys(config).length, policies.length);
    assert.equal(config["iam-no-wildcard-actions"].enforcementLevel, "mandatory");
    assert.equal(config["tags-required"].enforcementLevel, "advisory");
    assert.deepEqual(config["cloudwatch-log-group-retention"].properties, { minimumRetentionDays: 1 });
    // "*"-only actions come from AWS's data; the setting only adds to them.
    assert.deepEqual(config["iam-no-wildcard-resources"].properties.starOnlyActions, []);
  });

  it("applies `all`, then each policy's level and settings, as the CLI does", () => {
    const config = reconcilePolicyConfig(
      info,
      parsePolicyConfig(
        JSON.stringify({
          all: "advisory",
          "kms-key-rotation": "mandatory",
          "cloudwatch-log-group-retention": { minimumRetentionDays: 30 },
        }),
      ),
    );
    assert.equal(config["iam-no-wildcard-actions"].enforcementLevel, "advisory");
    assert.equal(config["kms-key-rotation"].enforcementLevel, "mandatory");
    assert.equal(config["cloudwatch-log-group-retention"].enforcementLevel, "advisory");
    assert.deepEqual(config["cloudwatch-log-group-retention"].properties, { minimumRetentionDays: 30 });
  });

  it("rejects unknown policies and settings, wrong types and levels", () => {
    const problems = (text: string): readonly string[] => {
      try {
        reconcilePolicyConfig(info, parsePolicyConfig(text));
      } catch (error) {
        assert.ok(error instanceof PolicyConfigError);
        return error.problems;
      }
      return [];
    };
    assert.deepEqual(problems('{"iam-no-wildcard-action": "advisory"}'), [
      "iam-no-wildcard-action: the pack has no such policy",
    ]);
    assert.deepEqual(problems('{"iam-no-wildcard-resources": {"starOnlyAction": []}}'), [
      'iam-no-wildcard-resources: "starOnlyAction" is not a setting of this policy',
    ]);
    assert.deepEqual(problems('{"iam-no-wildcard-resources": {"starOnlyActions": "xray:*"}}'), [
      "iam-no-wildcard-resources.starOnlyActions: must be of type array",
    ]);
    assert.deepEqual(problems('{"iam-no-wildcard-resources": {"starOnlyActions": [1]}}'), [
      "iam-no-wildcard-resources.starOnlyActions[0]: must be of type string",
    ]);
    assert.deepEqual(problems('{"cloudwatch-log-group-retention": {"minimumRetentionDays": 0}}'), [
      "cloudwatch-log-group-retention.minimumRetentionDays: must be at least 1",
    ]);
    assert.throws(
      () => parsePolicyConfig('{"kms-key-rotation": "blocking"}'),
      /not one of advisory, mandatory, remediate, disabled/,
    );
    assert.deepEqual(parsePolicyConfig("  \n"), {});
  });

  for (const file of fs.readdirSync(configDir).filter((name) => name.endsWith(".json"))) {
    it(`ships ${file} valid against the pack's schemas`, () => {
      const given = parsePolicyConfig(fs.readFileSync(path.join(configDir, file), "utf8"));
      const config = reconcilePolicyConfig(info, given);
      assert.ok(Object.keys(given).length > 0, "an empty config file documents nothing");
      for (const [name, entry] of Object.entries(given)) {
        if (entry.enforcementLevel) assert.equal(config[name].enforcementLevel, entry.enforcementLevel);
      }
    });
  }

  it("keeps prod at least as strict as dev for every policy", () => {
    const rank = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };
    const read = (stack: string) =>
      reconcilePolicyConfig(
        info,
        parsePolicyConfig(fs.readFileSync(path.join(configDir, `${stack}.json`), "utf8")),
      );
    const dev = read("dev");
    const prod = read("prod");
    for (const policy of policies) {
      assert.ok(
        rank[prod[policy.name].enforcementLevel] >= rank[dev[policy.name].enforcementLevel],
        policy.name,
      );
    }
  });
});
