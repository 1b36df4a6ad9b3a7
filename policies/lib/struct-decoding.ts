import type { BinaryReader } from "google-protobuf";

/**
 * Decodes a `google.protobuf.Struct` straight from its wire bytes into the value google-protobuf's
 * `Struct.deserializeBinary(bytes).toJavaScript()` gives, without building the message first.
 *
 * Every resource's inputs reach the policy runtime as a Struct, and the runtime reads them only through
 * `toJavaScript()`. google-protobuf builds a message object per value, a map per object, then walks
 * them again to make plain JavaScript: over our stacks that was most of the pack's decoding time
 * (5,000 resources of `AnalyzeStack`: about 0.7 s, the no-op pack's whole cost). Here google-protobuf's
 * own wire reader (`BinaryReader`) reads the fields, so strings, numbers and bounds are read exactly as
 * it reads them, and the values go straight into plain objects and arrays.
 *
 * The answer is the same value, key order included:
 * - an object's keys are set in sorted order, as google-protobuf's map iterates them;
 * - a key given twice keeps its last value;
 * - a repeated or conflicting `kind` of a value keeps the last one, as the generated setters do.
 *
 * Anything this decoder does not take as it is (a value without a kind, an unknown field in a map
 * entry, a key such as "__proto__" or "constructor", and whatever makes the reader throw: a field of an
 * unexpected wire type, a truncated message) is handed to google-protobuf itself (`fallback`), which
 * then answers exactly as it always did, errors and quirks included.
 */

/** google-protobuf's `BinaryReader` class (the runtime's copy is passed in: the pack does not import it). */
export type BinaryReaderClass = new (bytes: Uint8Array) => BinaryReader;

/** google-protobuf's own answer for bytes this decoder hands over. */
export type StructFallback = (bytes: Uint8Array) => Record<string, unknown>;

/** Thrown inside the decoder to hand the bytes to google-protobuf. */
class HandOver extends Error {}

/** Google's `Value` with no kind set: its `toJavaScript()` throws, so it is only an error if it is kept. */
const NO_KIND = Symbol("no kind");

/**
 * Keys google-protobuf's map cannot hold as it holds others: it keeps its entries in a plain object, so
 * these reach the object's prototype there, with results of their own.
 */
const prototypeKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

/** What a nested read leaves behind (the reader's callbacks return nothing). */
interface Slot {
  value: unknown;
}

/** `Struct { map<string, Value> fields = 1; }` */
function readStruct(reader: BinaryReader): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() !== 1) {
      reader.skipField();
      continue;
    }
    // A map entry: `key = 1`, `value = 2`, either may be missing (then "" and a Value without kind).
    const entry = { key: "", value: NO_KIND as unknown };
    reader.readMessage(entry, readEntry);
    if (prototypeKeys.has(entry.key)) throw new HandOver();
    fields.set(entry.key, entry.value);
  }
  const object: Record<string, unknown> = {};
  for (const key of [...fields.keys()].sort()) {
    const value = fields.get(key);
    if (value === NO_KIND) throw new HandOver();
    object[key] = value;
  }
  return object;
}

function readEntry(entry: { key: string; value: unknown }, reader: BinaryReader): void {
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    switch (reader.getFieldNumber()) {
      case 1:
        entry.key = reader.readString();
        break;
      case 2:
        entry.value = readNestedValue(reader);
        break;
      default:
        // google-protobuf does not skip an unknown field of a map entry: it reads on from inside it.
        throw new HandOver();
    }
  }
}

function readNestedStruct(slot: Slot, reader: BinaryReader): void {
  slot.value = readStruct(reader);
}

/** `ListValue { repeated Value values = 1; }` */
function readList(slot: Slot, reader: BinaryReader): void {
  const values: unknown[] = [];
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() !== 1) {
      reader.skipField();
      continue;
    }
    const value = readNestedValue(reader);
    if (value === NO_KIND) throw new HandOver();
    values.push(value);
  }
  slot.value = values;
}

function readNestedValue(reader: BinaryReader): unknown {
  const slot: Slot = { value: NO_KIND };
  reader.readMessage(slot, readValue);
  return slot.value;
}

/** `Value { oneof kind { null_value = 1; number_value = 2; string_value = 3; bool_value = 4; struct_value = 5; list_value = 6; } }` */
function readValue(slot: Slot, reader: BinaryReader): void {
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    switch (reader.getFieldNumber()) {
      case 1:
        reader.readEnum();
        slot.value = null;
        break;
      case 2:
        slot.value = reader.readDouble();
        break;
      case 3:
        slot.value = reader.readString();
        break;
      case 4:
        slot.value = reader.readBool();
        break;
      case 5: {
        const nested: Slot = { value: undefined };
        reader.readMessage(nested, readNestedStruct);
        slot.value = nested.value;
        break;
      }
      case 6: {
        const nested: Slot = { value: undefined };
        reader.readMessage(nested, readList);
        slot.value = nested.value;
        break;
      }
      default:
        reader.skipField();
    }
  }
}

/** A decoder giving the JavaScript value of the Struct in `bytes`, as google-protobuf's `toJavaScript()`. */
export function structDecoder(
  Reader: BinaryReaderClass,
  fallback: StructFallback,
): (bytes: Uint8Array) => Record<string, unknown> {
  return (bytes) => {
    try {
      return readStruct(new Reader(bytes));
    } catch {
      // A HandOver, or the reader's own error (or a stack overflow on absurd nesting): google-protobuf
      // answers, as it would have.
      return fallback(bytes);
    }
  };
}
