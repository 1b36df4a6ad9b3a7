import { strict as assert } from "node:assert";
import fc from "fast-check";
import * as jspb from "google-protobuf";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { structDecoder } from "../../policies/lib/struct-decoding";

/** google-protobuf's own answer: the value, or the error it throws. */
function reference(bytes: Uint8Array): { value: unknown } | { error: string } {
  try {
    return { value: Struct.deserializeBinary(bytes).toJavaScript() };
  } catch (error) {
    return { error: String(error) };
  }
}

/** The decoder's answer, and whether it handed the bytes to google-protobuf. */
function decoded(bytes: Uint8Array): { answer: { value: unknown } | { error: string }; handedOver: boolean } {
  let handedOver = false;
  const fallback = (given: Uint8Array) => {
    handedOver = true;
    return Struct.deserializeBinary(given).toJavaScript();
  };
  try {
    return { answer: { value: structDecoder(jspb.BinaryReader, fallback)(bytes) }, handedOver };
  } catch (error) {
    return { answer: { error: String(error) }, handedOver };
  }
}

/** The same value, key order and prototypes included (a "__proto__" key sets one, as assignment does). */
function assertSame(actual: unknown, expected: unknown, at = "value"): void {
  if (typeof expected !== "object" || expected === null) {
    assert.ok(Object.is(actual, expected), `${at}: ${String(actual)} is not ${String(expected)}`);
    return;
  }
  assert.equal(typeof actual, "object", at);
  assert.equal(Array.isArray(actual), Array.isArray(expected), at);
  assert.deepEqual(Object.keys(actual as object), Object.keys(expected), `${at}: keys`);
  for (const key of Object.keys(expected)) {
    assertSame(
      (actual as Record<string, unknown>)[key],
      (expected as Record<string, unknown>)[key],
      `${at}.${key}`,
    );
  }
  const expectedPrototype: unknown = Object.getPrototypeOf(expected);
  const actualPrototype: unknown = Object.getPrototypeOf(actual);
  if (expectedPrototype === Object.prototype || expectedPrototype === Array.prototype) {
    assert.equal(actualPrototype, expectedPrototype, `${at}: prototype`);
  } else {
    assertSame(actualPrototype, expectedPrototype, `${at}.[[Prototype]]`);
  }
}

/** Whether an object in `value` has a key of `Object.prototype` (which the decoder hands over). */
function hasPrototypeKey(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, inner]) => key in Object.prototype || hasPrototypeKey(inner));
}

function assertSameAnswer(bytes: Uint8Array): boolean {
  const { answer, handedOver } = decoded(bytes);
  const expected = reference(bytes);
  if ("error" in expected) {
    assert.deepEqual(answer, expected);
  } else {
    assert.ok("value" in answer, `threw ${"error" in answer ? answer.error : ""}`);
    assertSame(answer.value, expected.value);
  }
  return handedOver;
}

// A small wire writer, to build the messages google-protobuf's own writer never makes.
const varint = (value: number): number[] => {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
};
const field = (number: number, wire: number): number[] => varint(number * 8 + wire);
const delimited = (number: number, content: number[]): number[] => [
  ...field(number, 2),
  ...varint(content.length),
  ...content,
];
const utf8 = (text: string): number[] => [...Buffer.from(text, "utf8")];
const double = (value: number): number[] => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return [...bytes];
};

/** Wire-level `Value`s: every kind, none, several, unknown fields, raw (possibly invalid) string bytes. */
const wireValue: fc.Memo<number[]> = fc.memo((depth) => {
  const leaf = fc.oneof(
    fc.nat().map((n) => [...field(1, 0), ...varint(n)]),
    fc.double().map((n) => [...field(2, 1), ...double(n)]),
    fc.string({ unit: "grapheme", maxLength: 12 }).map((text) => delimited(3, utf8(text))),
    fc.constant(delimited(3, utf8("\uFEFFbom"))),
    fc.uint8Array({ maxLength: 6 }).map((raw) => delimited(3, [...raw])),
    fc.nat({ max: 3 }).map((n) => [...field(4, 0), ...varint(n)]),
    fc.constant<number[]>([]),
    fc.nat({ max: 1000 }).map((n) => [...field(9, 0), ...varint(n)]),
  );
  if (depth <= 1) return leaf;
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    wireStruct(depth - 1).map((content) => delimited(5, content)),
    fc.array(wireValue(depth - 1), { maxLength: 4 }).map((values) =>
      delimited(
        6,
        values.flatMap((value) => delimited(1, value)),
      ),
    ),
    fc.tuple(leaf, leaf).map(([a, b]) => [...a, ...b]),
  );
});

/** Wire-level `Struct`s: keys from a small pool (so repeats happen), entries without key or value. */
const wireStruct = (depth: number): fc.Arbitrary<number[]> =>
  fc
    .array(
      fc.record({
        key: fc.option(
          fc.oneof(
            { arbitrary: fc.constantFrom("a", "b", "B", "10", "2", "", "é", "日本"), weight: 9 },
            { arbitrary: fc.constantFrom("__proto__", "constructor", "toString"), weight: 1 },
          ),
          { nil: undefined },
        ),
        value: fc.option(wireValue(depth), { nil: undefined }),
        unknown: fc.nat({ max: 9 }).map((n) => n === 0),
      }),
      { maxLength: 6 },
    )
    .map((entries) =>
      entries.flatMap((entry) =>
        delimited(1, [
          ...(entry.key === undefined ? [] : delimited(1, utf8(entry.key))),
          ...(entry.value === undefined ? [] : delimited(2, entry.value)),
          ...(entry.unknown ? [...field(3, 0), 1] : []),
        ]),
      ),
    );

describe("decoding inputs straight from the wire (policies/lib/struct-decoding.ts)", () => {
  it("gives google-protobuf's value for every JSON value, keys in its order, handing over only keys like toString", () => {
    const json = fc.dictionary(fc.string({ unit: "grapheme", maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(json, fc.double(), (value, number) => {
        const bytes = Struct.fromJavaScript({ ...value, number } as never).serializeBinary();
        if (assertSameAnswer(bytes)) {
          assert.ok(hasPrototypeKey(value), "handed over a message google-protobuf itself wrote");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("answers as google-protobuf for messages its writer never makes: repeats, gaps, unknown fields, bad bytes", () => {
    let fast = 0;
    fc.assert(
      fc.property(wireStruct(3), (content) => {
        if (!assertSameAnswer(new Uint8Array(content))) fast++;
      }),
      { numRuns: 1000 },
    );
    // Most of them are still the decoder's own work, not google-protobuf's.
    assert.ok(fast > 150, `only ${fast} of 1000 decoded without handing over`);
  });

  it("hands truncated and corrupted messages to google-protobuf, which answers as it always did", () => {
    const sample = Buffer.from(
      Struct.fromJavaScript({
        name: "orders",
        tags: { env: "dev" },
        list: [1, "two", null, true],
      }).serializeBinary(),
    );
    for (let end = 0; end < sample.length; end++) {
      assertSameAnswer(sample.subarray(0, end));
    }
    fc.assert(
      fc.property(fc.nat({ max: sample.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const corrupted = Buffer.from(sample);
        corrupted[at] = byte;
        assertSameAnswer(corrupted);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a leading byte-order mark in a string, as google-protobuf does", () => {
    const bytes = Struct.fromJavaScript({ text: "\uFEFFx" }).serializeBinary();
    const decode = structDecoder(jspb.BinaryReader, () => assert.fail("handed over"));
    assert.deepEqual(decode(bytes), { text: "\uFEFFx" });
  });
});
