import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { readStackSettings, type StackSettings } from "../../components/stack-config";
import { listStackNames, readStackConfig, runUnderMocks } from "../../scripts/lib/program-under-mocks";

const root = process.cwd();
type SchemaEntry = { type: string; description: string; default: unknown; items?: { type: string } };
const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string; options: { typescript: boolean } };
  config: Record<string, SchemaEntry>;
};

/** Reads the settings of a stack file, with config laid over it. */
async function settingsOf(stack: string, overrides: Record<string, string> = {}): Promise<StackSettings> {
  const { config } = readStackConfig(root, stack);
  let settings: StackSettings | undefined;
  await runUnderMocks(
    () => {
      settings = readStackSettings();
    },
    { project: "shop-infra", stack, config: { ...config, ...overrides } },
  );
  return settings!;
}

describe("stack configuration", () => {
  it("declares a nodejs TypeScript project named shop-infra", () => {
    assert.equal(project.name, "shop-infra");
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
  });

  it("gives every config key a type, a description and a default of that type", () => {
    const types: Record<string, (value: unknown) => boolean> = {
      string: (v) => typeof v === "string",
      integer: (v) => Number.isInteger(v),
      boolean: (v) => typeof v === "boolean",
      array: (v) => Array.isArray(v),
    };
    assert.ok(Object.keys(project.config).length >= 30);
    for (const [key, entry] of Object.entries(project.config)) {
      assert.ok(entry.type in types, `${key}: type ${entry.type}`);
      assert.ok(
        typeof entry.description === "string" && entry.description.length > 20,
        `${key}: description`,
      );
      assert.ok(
        "default" in entry && types[entry.type](entry.default),
        `${key}: default of type ${entry.type}`,
      );
      if (entry.type === "array") assert.equal(entry.items?.type, "string", `${key}: item type`);
    }
    assert.deepEqual(project.config.stackKind.default, "app");
  });

  it("uses only declared keys in the stack files, and sets the region in each", () => {
    for (const stack of listStackNames(root)) {
      const document = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      };
      assert.ok(typeof document.config["aws:region"] === "string", `${stack} sets aws:region`);
      for (const key of Object.keys(document.config).filter((k) => k.startsWith("shop-infra:"))) {
        assert.ok(
          key.slice("shop-infra:".length) in project.config,
          `${stack}: ${key} is declared in Pulumi.yaml`,
        );
      }
    }
  });

  it("reads dev as cheap and disposable and prod as protected", async () => {
    const dev = await settingsOf("dev");
    const prod = await settingsOf("prod");
    assert.equal(dev.resourcePrefix, "shop-dev");
    assert.equal(prod.resourcePrefix, "shop-prod");
    assert.deepEqual(
      [
        dev.forceDelete,
        dev.deletionProtection,
        dev.tablesCustomerManagedKey,
        dev.alarmEmail,
        dev.logRetentionDays,
      ],
      [true, false, false, undefined, 7],
    );
    assert.deepEqual(
      [
        prod.forceDelete,
        prod.deletionProtection,
        prod.tablesCustomerManagedKey,
        prod.alarmEmail,
        prod.logRetentionDays,
      ],
      [false, true, true, "shop-alerts@example.com", 365],
    );
    assert.ok(prod.api.reservedConcurrency > dev.api.reservedConcurrency);
    assert.equal(dev.report.scheduleExpression, "cron(0 1 ? * MON *)");
    assert.equal(dev.stackKind, "app");
  });

  it("refuses invalid settings, naming every problem at once", async () => {
    await assert.rejects(
      settingsOf("prod", {
        "shop-infra:stackKind": "web",
        "shop-infra:logRetentionDays": "10",
        "shop-infra:corsOrigins": '["*"]',
        "shop-infra:alarmEmail": "",
        "shop-infra:apiDomainName": "api.example.com",
        "shop-infra:lambdaBaseDigest": "latest",
      }),
      (error: Error) => {
        for (const fragment of [
          "stackKind",
          "logRetentionDays must be one of",
          "corsOrigins",
          "alarmEmail is required",
          "apiHostedZoneId",
          "lambdaBaseDigest",
        ]) {
          assert.ok(error.message.includes(fragment), `mentions ${fragment}: ${error.message}`);
        }
        return true;
      },
    );
  });

  // The Pulumi CLI checks the type of each declared key but lets an undeclared `shop-infra:` key through,
  // and Config.requireNumber reads "7 days" as 7: both used to leave a stack running on a value nobody set.
  it("refuses a misspelled shop-infra: key, naming the setting it resembles", async () => {
    await assert.rejects(
      settingsOf("dev", { "shop-infra:logRetentonDays": "7" }),
      /shop-infra:logRetentonDays is not a setting of this project .*did you mean shop-infra:logRetentionDays\?/,
    );
  });

  it("refuses integer settings that are not written as whole numbers", async () => {
    for (const text of ["7 days", "1e1", "7.0", "0x7", ""]) {
      await assert.rejects(
        settingsOf("dev", { "shop-infra:apiMemoryMb": text }),
        (error: Error) =>
          error.message.includes(`shop-infra:apiMemoryMb must be a whole number, got "${text}"`),
        text,
      );
    }
    assert.equal((await settingsOf("dev", { "shop-infra:apiMemoryMb": "640" })).api.memoryMb, 640);
  });

  it("accepts a custom domain and a base image digest when both are well-formed", async () => {
    const digest = `sha256:${"e".repeat(64)}`;
    const settings = await settingsOf("dev", {
      "shop-infra:apiDomainName": "api.dev.shop.example.com",
      "shop-infra:apiHostedZoneId": "Z0123",
      "shop-infra:lambdaBaseDigest": digest,
    });
    assert.deepEqual(settings.api.domain, { domainName: "api.dev.shop.example.com", hostedZoneId: "Z0123" });
    assert.equal(settings.lambdaBaseDigest, digest);
  });
});
