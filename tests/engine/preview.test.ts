/**
 * The real `pulumi preview` with the policy pack, as buildspec/preview.yml runs it on every merge request:
 * the Pulumi CLI from .tools, the fake cloud as the provider plugins, a throwaway file backend.
 */
import assert from "node:assert/strict";
import { EngineWorkspace, requireToolchain } from "./support/engine";

const stacks = ["dev", "prod", "ci"] as const;

describe("engine: pulumi preview with the policy pack", function () {
  this.timeout(240_000);
  before(requireToolchain);

  for (const stack of stacks) {
    it(`previews the ${stack} stack with no mandatory violation`, async () => {
      const workspace = await EngineWorkspace.open({ stack });
      try {
        const run = await workspace.preview();
        assert.equal(run.code, 0, run.output);
        assert.match(run.output, /Policy Packs run:[\s\S]*shop-guardrails/);
        assert.doesNotMatch(run.output, /\[mandatory\]/);
        assert.match(run.output, /\+ \d+ to create/);
      } finally {
        workspace.dispose();
      }
    });
  }

  it("fails the preview when the program adds an IAM policy allowing dynamodb:* on *, naming it and the policy", async () => {
    const workspace = await EngineWorkspace.open({
      stack: "dev",
      program: "tests/engine/fixtures/unsafe-policy",
    });
    try {
      const run = await workspace.preview();
      assert.notEqual(run.code, 0, run.output);
      assert.match(
        run.output,
        /\[mandatory\]\s+iam-no-wildcard-actions\s+\(aws:iam:Policy: wide-open-table-access\)/,
      );
      assert.match(run.output, /dynamodb:\*/);
    } finally {
      workspace.dispose();
    }
  });
});
