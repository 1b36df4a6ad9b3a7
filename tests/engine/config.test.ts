/**
 * Stack settings the real CLI and the program refuse, with a message that says what to fix: a value of
 * the wrong type for Pulumi.yaml's schema (the CLI), and a misspelled `shop-infra:` key (the program; the
 * CLI lets undeclared keys of the project's namespace through).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { EngineWorkspace, repoRoot, requireToolchain } from "./support/engine";

const devStackFile = readFileSync(path.join(repoRoot, "Pulumi.dev.yaml"), "utf8");

async function previewWith(stackFile: string) {
  const workspace = await EngineWorkspace.open({ stack: "dev", stackFile });
  try {
    return await workspace.preview();
  } finally {
    workspace.dispose();
  }
}

describe("engine: stack settings the CLI and the program refuse", function () {
  this.timeout(180_000);
  before(requireToolchain);

  it("the CLI refuses a value of the wrong type for the schema, naming the key and the type", async () => {
    const run = await previewWith(
      devStackFile.replace(/shop-infra:logRetentionDays: \d+/, "shop-infra:logRetentionDays: a week"),
    );
    assert.notEqual(run.code, 0);
    assert.match(run.output, /configuration key 'logRetentionDays' must be of type 'integer'/);
  });

  it("the program refuses a misspelled shop-infra: key, and creates nothing", async () => {
    const run = await previewWith(
      devStackFile.replace(/shop-infra:logRetentionDays:/, "shop-infra:logRetentonDays:"),
    );
    assert.notEqual(run.code, 0, run.output);
    assert.match(
      run.output,
      /shop-infra:logRetentonDays is not a setting of this project .*did you mean shop-infra:logRetentionDays\?/,
    );
    assert.doesNotMatch(run.output, /aws:dynamodb:Table/);
  });
});
