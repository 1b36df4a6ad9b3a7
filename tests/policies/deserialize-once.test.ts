import { strict as assert } from "node:assert";
import { deserializeOncePerRequest } from "../../policies/lib/deserialize-once";
import { policies } from "../../policies/pack";
import { toAnalyzeRequest, toAnalyzeStackRequest } from "../../scripts/preview/analyzer-messages";
import { resourceCases, stackCases } from "./corpus";
import { analyzeRequest, analyzeStackRequest, toAnalyzed } from "./harness";

type Deserialize = (properties: object, proxySecrets: boolean) => Record<string, unknown>;

/** The runtime's own function, as its Analyze and AnalyzeStack handlers call it. */
function runtimeDeserialize(): Deserialize {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize })
    .deserializeProperties;
}

const bucket = toAnalyzed({
  type: "aws:s3/bucket:Bucket",
  name: "reports",
  properties: { bucket: "shop-reports", tags: { Project: "shop" } },
});

describe("decoding each resource once per request (policies/lib/deserialize-once.ts)", () => {
  before(() => assert.equal(deserializeOncePerRequest(), true));

  it("gives every policy of a request the same decoded properties", () => {
    const properties = toAnalyzeRequest(bucket).getProperties()!;
    const first = runtimeDeserialize()(properties, false);
    assert.deepEqual(first, { bucket: "shop-reports", tags: { Project: "shop" } });
    assert.equal(runtimeDeserialize()(properties, false), first);
  });

  it("decodes every request afresh, even one with the same content", () => {
    const decode = runtimeDeserialize();
    const first = decode(toAnalyzeRequest(bucket).getProperties()!, false);
    const second = decode(toAnalyzeRequest(bucket).getProperties()!, false);
    assert.notEqual(second, first);
    assert.deepEqual(second, first);
  });

  it("leaves the secret-preserving decoding (remediations) uncached", () => {
    const properties = toAnalyzeRequest(bucket).getProperties()!;
    const decode = runtimeDeserialize();
    assert.notEqual(decode(properties, true), decode(properties, true));
  });

  it("wraps the runtime once however often it is installed", () => {
    const installed = runtimeDeserialize();
    assert.equal(deserializeOncePerRequest(), true);
    assert.equal(runtimeDeserialize(), installed);
  });

  // Sharing one decoded object between policies is only sound if none of them changes it.
  it("leaves every resource's decoded inputs unchanged after the whole pack judged it", async () => {
    const decode = runtimeDeserialize();
    for (const c of resourceCases) {
      const request = toAnalyzeRequest(toAnalyzed(c.resource));
      const before = structuredClone(decode(request.getProperties()!, false));
      await analyzeRequest(policies, request);
      assert.deepEqual(decode(request.getProperties()!, false), before, c.title);
    }
  });

  it("leaves every stack's decoded resources unchanged after the stack policies judged them", async () => {
    const decode = runtimeDeserialize();
    for (const c of stackCases) {
      const request = toAnalyzeStackRequest(
        c.resources.map((resource, index) => toAnalyzed(resource, index)),
      );
      const decoded = () => request.getResourcesList().map((r) => decode(r.getProperties()!, false));
      const before = structuredClone(decoded());
      await analyzeStackRequest(policies, request);
      assert.deepEqual(decoded(), before, c.title);
    }
  });
});
