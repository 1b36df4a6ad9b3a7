/**
 * Decodes a `google.protobuf.Struct` straight from its wire bytes into the value google-protobuf's
 * `Struct.deserializeBinary(bytes).toJavaScript()` gives, without building the message first.
 *
 * Every resource's inputs reach the policy runtime as a Struct, and the runtime reads them only through
 * `toJavaScript()`. google-protobuf builds a message object per value, a map per object, then walks
 * them again to make plain JavaScript: over our stacks that was most of the pack's decoding time
 * (5,000 resources of `AnalyzeStack`: about 0.7 s, the no-op pack's whole cost).
 *
 * The answer is the same value, key order included:
 * - an object's keys are set in sorted order, as google-protobuf's map iterates them;
 * - a key given twice keeps its last value;
 * - a repeated or conflicting `kind` of a value keeps the last one, as the generated setters do.
 *
 * Anything this decoder does not take as it is (a value without a kind, a field of an unexpected wire
 * type, a group, an unknown field in a map entry, a key such as "__proto__" or "constructor", a string
 * that is not valid UTF-8, a truncated message) is handed to google-protobuf itself (`fallback`), which
 * then answers exactly as it always did, errors and quirks included.
 */

/** google-protobuf's own answer for bytes this decoder hands over. */
export type StructFallback = (bytes: Uint8Array) => Record<string, unknown>;

/** Thrown inside the decoder to hand the bytes to google-protobuf. */
class HandOver extends Error {}

/** Google's `Value` with no kind set: its `toJavaScript()` throws, so it is only an error if it is kept. */
const NO_KIND = Symbol("no kind");

type Decoded = unknown;

/** Valid UTF-8 only (anything else goes to google-protobuf), and a leading U+FEFF is kept, not eaten. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Delimited = 2,
  Fixed32 = 5,
}

class Reader {
  private position: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  /** An unsigned varint of up to 64 bits, exact up to 2^53 (tags and lengths are far below that). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let count = 0; count < 10; count++) {
      if (this.position >= this.end) throw new HandOver();
      const byte = this.bytes[this.position++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new HandOver();
  }

  double(): number {
    if (this.position + 8 > this.end) throw new HandOver();
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  /** The bounds of a length-delimited field's content, and moves past it. */
  delimited(): [start: number, end: number] {
    const length = this.varint();
    const start = this.position;
    if (start + length > this.end) throw new HandOver();
    this.position = start + length;
    return [start, start + length];
  }

  string(): string {
    const [start, end] = this.delimited();
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      throw new HandOver();
    }
  }

  /** Moves past a field this decoder does not read, as google-protobuf skips unknown fields. */
  skip(wire: number): void {
    switch (wire) {
      case Wire.Varint:
        this.varint();
        return;
      case Wire.Fixed64:
        if (this.position + 8 > this.end) throw new HandOver();
        this.position += 8;
        return;
      case Wire.Delimited:
        this.delimited();
        return;
      case Wire.Fixed32:
        if (this.position + 4 > this.end) throw new HandOver();
        this.position += 4;
        return;
      default:
        throw new HandOver();
    }
  }

  /** A reader over the content of the length-delimited field starting here. */
  nested(): Reader {
    const [start, end] = this.delimited();
    return new Reader(this.bytes, start, end);
  }
}

function expect(wire: number, expected: Wire): void {
  if (wire !== expected) throw new HandOver();
}

/** Reads a tag: [field number, wire type]. */
function tag(reader: Reader): [number, number] {
  const value = reader.varint();
  return [Math.floor(value / 8), value % 8];
}

/** Keys google-protobuf's map cannot hold as it holds others ("__proto__", "constructor", ...). */
const prototypeKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

/** `Struct { map<string, Value> fields = 1; }` */
function readStruct(reader: Reader): Record<string, unknown> {
  const fields = new Map<string, Decoded>();
  while (!reader.done) {
    const [field, wire] = tag(reader);
    if (field !== 1) {
      reader.skip(wire);
      continue;
    }
    expect(wire, Wire.Delimited);
    // A map entry: `key = 1`, `value = 2`, either may be missing (then "" and a Value without kind).
    const entry = reader.nested();
    let key = "";
    let value: Decoded = NO_KIND;
    while (!entry.done) {
      const [entryField, entryWire] = tag(entry);
      if (entryField === 1) {
        expect(entryWire, Wire.Delimited);
        key = entry.string();
      } else if (entryField === 2) {
        expect(entryWire, Wire.Delimited);
        value = readValue(entry.nested());
      } else {
        // google-protobuf does not skip an unknown field of a map entry: it reads on from inside it.
        throw new HandOver();
      }
    }
    // google-protobuf's map keeps its entries in a plain object: these keys reach the object's
    // prototype there, with results of its own, so google-protobuf is left to give them.
    if (prototypeKeys.has(key)) throw new HandOver();
    fields.set(key, value);
  }
  const object: Record<string, unknown> = {};
  for (const key of [...fields.keys()].sort()) {
    const value = fields.get(key);
    if (value === NO_KIND) throw new HandOver();
    // A plain assignment, as google-protobuf's own (so a "__proto__" key behaves as it does there).
    object[key] = value;
  }
  return object;
}

/** `ListValue { repeated Value values = 1; }` */
function readList(reader: Reader): unknown[] {
  const values: unknown[] = [];
  while (!reader.done) {
    const [field, wire] = tag(reader);
    if (field !== 1) {
      reader.skip(wire);
      continue;
    }
    expect(wire, Wire.Delimited);
    const value = readValue(reader.nested());
    if (value === NO_KIND) throw new HandOver();
    values.push(value);
  }
  return values;
}

/** `Value { oneof kind { null_value = 1; number_value = 2; string_value = 3; bool_value = 4; struct_value = 5; list_value = 6; } }` */
function readValue(reader: Reader): Decoded {
  let value: Decoded = NO_KIND;
  while (!reader.done) {
    const [field, wire] = tag(reader);
    switch (field) {
      case 1:
        expect(wire, Wire.Varint);
        reader.varint();
        value = null;
        break;
      case 2:
        expect(wire, Wire.Fixed64);
        value = reader.double();
        break;
      case 3:
        expect(wire, Wire.Delimited);
        value = reader.string();
        break;
      case 4:
        expect(wire, Wire.Varint);
        value = reader.varint() !== 0;
        break;
      case 5:
        expect(wire, Wire.Delimited);
        value = readStruct(reader.nested());
        break;
      case 6:
        expect(wire, Wire.Delimited);
        value = readList(reader.nested());
        break;
      default:
        reader.skip(wire);
    }
  }
  return value;
}

/** The JavaScript value of the Struct encoded in `bytes`, as google-protobuf's `toJavaScript()` gives it. */
export function structToJavaScript(bytes: Uint8Array, fallback: StructFallback): Record<string, unknown> {
  try {
    return readStruct(new Reader(bytes, 0, bytes.length));
  } catch {
    // A HandOver, or anything else (a stack overflow on absurd nesting, say): google-protobuf answers.
    return fallback(bytes);
  }
}
