import { strict as assert } from "node:assert";
import fc from "fast-check";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as runtimeServer from "@pulumi/policy/server";
import type { Policies } from "@pulumi/policy";
import { analyzeByType, policiesForType } from "../../policies/lib/analyze-by-type";
import { forTypes } from "../../policies/lib/policy";
import { lazyRequestDeserializers } from "../../policies/lib/request-decoding";
import { cachingResponseSerializer } from "../../policies/lib/response-encoding";
import { servedRequestDeserializers } from "../../policies/lib/serving";
import { policies } from "../../policies/pack";
import {
  fromAnalyzeResponse,
  toAnalyzeRequest,
  toAnalyzeStackRequest,
} from "../../scripts/preview/analyzer-messages";
import * as jspb from "google-protobuf";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { resourceCases } from "./corpus";
import { testPackName, toAnalyzed } from "./harness";

type Handler = (
  call: { request: analyzerproto.AnalyzeRequest },
  callback: (error: unknown, response?: analyzerproto.AnalyzeResponse) => void,
) => Promise<void>;

const makeAnalyzeRpcFun = (
  runtimeServer as unknown as {
    makeAnalyzeRpcFun(name: string, version: string, level: string, policies: Policies): Handler;
  }
).makeAnalyzeRpcFun;

function answer(
  handler: Handler,
  request: analyzerproto.AnalyzeRequest,
): Promise<analyzerproto.AnalyzeResponse> {
  return new Promise((resolve, reject) => {
    void handler({ request }, (error, response) => (error ? reject(error) : resolve(response!)));
  });
}

const serialize = (response: analyzerproto.AnalyzeResponse) => Buffer.from(response.serializeBinary());

describe("serving the pack (policies/lib/serving.ts and its parts)", () => {
  describe("Analyze by type", () => {
    const bucketOrTable = forTypes(["aws:s3/bucket:Bucket", "aws:dynamodb/table:Table"], (_args, report) =>
      report("judged"),
    );
    const onlyRole = forTypes(["aws:iam/role:Role"], () => undefined);
    const untyped = () => undefined;
    const sample: Policies = [
      { name: "multi", description: "d", enforcementLevel: "mandatory", validateResource: bucketOrTable },
      { name: "typed", description: "d", enforcementLevel: "mandatory", validateResource: onlyRole },
      {
        name: "mixed",
        description: "d",
        enforcementLevel: "advisory",
        validateResource: [bucketOrTable, untyped],
      },
      { name: "stack", description: "d", enforcementLevel: "mandatory", validateStack: () => undefined },
    ];

    it("leaves out only multi-type validations that cannot judge the type, keeping order and objects", () => {
      const forQueue = policiesForType(sample, "aws:sqs/queue:Queue");
      assert.deepEqual(
        forQueue.map((p) => p.name),
        ["typed", "mixed", "stack"],
      );
      assert.equal(forQueue[0], sample[1]);
      assert.deepEqual((forQueue[1] as { validateResource: unknown }).validateResource, [untyped]);
      assert.equal(forQueue[2], sample[3]);
      assert.equal(policiesForType(sample, "aws:s3/bucket:Bucket"), sample);
    });

    it("answers every corpus resource, at every enforcement level, as the runtime's own handler", async () => {
      for (const level of ["advisory", "mandatory", "disabled"]) {
        const leveled = policies.map((policy, index) =>
          index % 3 === 0 ? { ...policy, enforcementLevel: level } : policy,
        ) as Policies;
        const make = (list: Policies) => makeAnalyzeRpcFun(testPackName, "1.0.0", "advisory", list);
        const byType = analyzeByType(leveled, make) as Handler;
        const runtime = make(leveled);
        for (const [index, c] of resourceCases.entries()) {
          const request = toAnalyzeRequest(toAnalyzed(c.resource, index));
          const served = await answer(byType, request);
          assert.deepEqual(
            serialize(served),
            serialize(await answer(runtime, request)),
            `${level}: ${c.title}`,
          );
        }
      }
    });
  });

  describe("the request deserializers", () => {
    const served = servedRequestDeserializers();
    const requests = resourceCases.map((c, index) => ({
      title: c.title,
      bytes: Buffer.from(toAnalyzeRequest(toAnalyzed(c.resource, index)).serializeBinary()),
    }));

    it("are the ones the pack is served with, for the runtime's protocol messages", () => {
      assert.ok(served, "the lazy request decoding is off: the messages' fields are not the ones it knows");
    });

    it("give every corpus request as the generated deserializer does, inputs read lazily or not", () => {
      for (const { title, bytes } of requests) {
        const generated = analyzerproto.AnalyzeRequest.deserializeBinary(bytes);
        const read = () => served!.analyze(bytes) as analyzerproto.AnalyzeRequest;
        // Read as the runtime reads inputs (toJavaScript from the bytes), then as anything else would.
        assert.deepEqual(
          read().getProperties()?.toJavaScript(),
          generated.getProperties()?.toJavaScript(),
          title,
        );
        assert.deepEqual(
          read().getProvider()?.getProperties()?.toJavaScript(),
          generated.getProvider()?.getProperties()?.toJavaScript(),
          title,
        );
        assert.deepEqual(read().toObject(), generated.toObject(), title);
        assert.deepEqual(Buffer.from(read().serializeBinary()), bytes, title);
      }
    });

    it("give a whole stack as the generated deserializer does", () => {
      const stack = toAnalyzeStackRequest(resourceCases.map((c, index) => toAnalyzed(c.resource, index)));
      const bytes = Buffer.from(stack.serializeBinary());
      const generated = analyzerproto.AnalyzeStackRequest.deserializeBinary(bytes);
      const read = served!.analyzeStack(bytes) as analyzerproto.AnalyzeStackRequest;
      const resources = read.getResourcesList();
      assert.equal(resources.length, resourceCases.length);
      resources.forEach((resource, index) => {
        const expected = generated.getResourcesList()[index];
        assert.deepEqual(resource.getProperties()?.toJavaScript(), expected.getProperties()?.toJavaScript());
        assert.deepEqual(resource.toObject(), expected.toObject());
      });
      assert.deepEqual(Buffer.from(read.serializeBinary()), bytes);
    });

    it("step aside when a message has a field they do not know (a later protocol)", () => {
      class AnalyzeRequestWithMore extends analyzerproto.AnalyzeRequest {
        getStackTags(): string {
          return "";
        }
      }
      const analyzer = { ...analyzerproto, AnalyzeRequest: AnalyzeRequestWithMore };
      assert.ok(lazyRequestDeserializers({ analyzer, Struct, jspb } as never) === undefined);
      assert.ok(lazyRequestDeserializers({ analyzer: analyzerproto, Struct, jspb } as never) !== undefined);
    });
  });

  describe("the response serializer", () => {
    const encode = cachingResponseSerializer(analyzerproto.AnalyzeResponse, serialize);
    const text = fc.string({ unit: "grapheme", maxLength: 40 });
    const entry = fc.record({ name: text, reason: text });
    const diagnostic = fc.record({ policy: text, message: text, level: fc.integer({ min: 0, max: 3 }) });

    function response(
      entries: { name: string; reason: string }[],
      diagnostics: { policy: string; message: string; level: number }[],
    ) {
      const message = new analyzerproto.AnalyzeResponse();
      message.setDiagnosticsList(
        diagnostics.map((d) => {
          const made = new analyzerproto.AnalyzeDiagnostic();
          made.setPolicyname(d.policy);
          made.setMessage(d.message);
          made.setEnforcementlevel(d.level as analyzerproto.EnforcementLevel);
          return made;
        }),
      );
      message.setNotApplicableList(
        entries.map((e) => {
          const made = new analyzerproto.PolicyNotApplicable();
          made.setPolicyName(e.name);
          made.setReason(e.reason);
          return made;
        }),
      );
      return message;
    }

    it("gives exactly the generated serializer's bytes, entries repeated or not", () => {
      fc.assert(
        fc.property(
          fc.array(entry, { maxLength: 30 }),
          fc.array(diagnostic, { maxLength: 5 }),
          (entries, diagnostics) => {
            // Twice: the second pass serves the entries from the cache.
            for (let pass = 0; pass < 2; pass++) {
              const message = response(entries, diagnostics);
              assert.deepEqual(encode(message), serialize(message));
            }
          },
        ),
      );
    });

    it("answers the pack's real responses as the runtime's serializer does, and they read back", async () => {
      const handler = makeAnalyzeRpcFun(testPackName, "1.0.0", "advisory", policies);
      for (const [index, c] of resourceCases.slice(0, 40).entries()) {
        const served = await answer(handler, toAnalyzeRequest(toAnalyzed(c.resource, index)));
        const bytes = encode(served);
        assert.deepEqual(bytes, serialize(served), c.title);
        assert.deepEqual(
          fromAnalyzeResponse(analyzerproto.AnalyzeResponse.deserializeBinary(bytes)),
          fromAnalyzeResponse(served),
        );
      }
    });
  });
});
