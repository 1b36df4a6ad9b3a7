import { strict as assert } from "node:assert";
import { policies } from "../../policies/pack";
import { resourceCases, stackCases } from "./corpus";
import { analyzeResource, analyzeStack, violatedPolicies } from "./harness";

const policyNames = new Set(policies.map((policy) => policy.name));

function describeDiagnostics(result: Awaited<ReturnType<typeof analyzeResource>>): string {
  return result.diagnostics
    .map((d) => `[${d.enforcementLevel}] ${d.policyName}: ${d.message.split("\n").slice(1).join(" ")}`)
    .join("\n");
}

describe("policy corpus (in-process runtime)", () => {
  const unsafe = resourceCases.filter((c) => c.blockedBy);
  const safe = resourceCases.filter((c) => !c.blockedBy);

  it("holds at least 60 unsafe and 25 safe resources, each case titled once", () => {
    assert.ok(unsafe.length >= 60, `only ${unsafe.length} unsafe cases`);
    assert.ok(safe.length >= 25, `only ${safe.length} safe cases`);
    const titles = resourceCases.map((c) => c.title);
    assert.equal(new Set(titles).size, titles.length, "duplicate case titles");
  });

  it("expects only policies the pack has", () => {
    const expected = [...resourceCases, ...stackCases].flatMap((c) => c.blockedBy ?? []);
    assert.deepEqual(
      expected.filter((name) => !policyNames.has(name)),
      [],
    );
  });

  describe("unsafe resources are blocked by exactly the intended mandatory policies", () => {
    for (const c of unsafe) {
      it(c.title, async () => {
        const result = await analyzeResource(policies, c.resource);
        assert.deepEqual(violatedPolicies(result), [...c.blockedBy!].sort(), describeDiagnostics(result));
      });
    }
  });

  describe("safe resources pass every policy, advisory ones included", () => {
    for (const c of safe) {
      it(c.title, async () => {
        const result = await analyzeResource(policies, c.resource);
        assert.deepEqual(result.diagnostics, [], describeDiagnostics(result));
      });
    }
  });

  describe("stacks", () => {
    for (const c of stackCases) {
      it(`${c.blockedBy ? "blocks" : "passes"}: ${c.title}`, async () => {
        const result = await analyzeStack(policies, c.resources);
        if (c.blockedBy) {
          assert.deepEqual(violatedPolicies(result), [...c.blockedBy].sort(), describeDiagnostics(result));
        } else {
          assert.deepEqual(result.diagnostics, [], describeDiagnostics(result));
        }
      });
    }
  });
});
