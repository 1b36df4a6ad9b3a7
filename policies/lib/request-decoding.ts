import type { BinaryReader, Message } from "google-protobuf";
import { structDecoder } from "./struct-decoding";

/**
 * Request deserializers for `Analyze` and `AnalyzeStack` that give the generated messages, field for
 * field, except that each resource's and provider's inputs (a `google.protobuf.Struct`) are kept as
 * their bytes and decoded when read.
 *
 * google-protobuf decodes every Struct into a tree of messages up front, and the runtime then turns
 * each into plain JavaScript with `toJavaScript()`: decoding was the whole cost of the no-op pack and
 * most of an `AnalyzeStack` (5,000 resources: about 0.7 s), yet many inputs are never read: the stack
 * policies look at a few types, and a resource whose type no resource policy judges is never opened
 * (analyze-by-type.ts). A lazy Struct's `toJavaScript()` decodes straight from the bytes
 * (struct-decoding.ts); anything else asked of it decodes it into the message first, so it answers as a
 * Struct always does.
 *
 * One difference, for bytes the engine never sends: inputs that are not a well-formed Struct fail the
 * call when a policy reads them (the runtime's usual "Error validating resource" answer), not when the
 * request arrives, and not at all if nothing reads them.
 *
 * The readers below follow the generated ones (analyzer_pb.js) field by field. They are used only when
 * the generated classes have exactly the fields they know (`knowsFields`): a later protocol with a field
 * more keeps the generated deserializers, so nothing it sends is dropped.
 */

interface MessageClass<Instance> {
  new (): Instance;
  deserializeBinary(bytes: Uint8Array): Instance;
  deserializeBinaryFromReader(message: Instance, reader: BinaryReader): Instance;
}

interface StructMessage {
  toJavaScript(): Record<string, unknown>;
  getFieldsMap(noLazyCreate?: boolean): unknown;
  clearFieldsMap(): unknown;
}

type StructClass = MessageClass<StructMessage>;

/** The fields a resource and its provider share. */
interface IdentityFields {
  setType(value: string): void;
  setProperties(value: StructMessage): void;
  setUrn(value: string): void;
  setName(value: string): void;
}

interface ResourceFields extends IdentityFields {
  setOptions(value: unknown): void;
  setProvider(value: unknown): void;
}

interface StackResourceFields extends ResourceFields {
  setParent(value: string): void;
  addDependencies(value: string): void;
  getPropertydependenciesMap(): unknown;
}

interface StackRequestFields {
  addResources(value: StackResourceFields): void;
}

/** The runtime's own protocol modules: its `analyzer_pb`, `struct_pb` and google-protobuf. */
export interface ProtocolModules {
  readonly analyzer: {
    readonly AnalyzeRequest: MessageClass<ResourceFields>;
    readonly AnalyzerResource: MessageClass<StackResourceFields>;
    readonly AnalyzerProviderResource: MessageClass<IdentityFields>;
    readonly AnalyzerResourceOptions: MessageClass<unknown>;
    readonly AnalyzerPropertyDependencies: MessageClass<unknown>;
    readonly AnalyzeStackRequest: MessageClass<StackRequestFields>;
  };
  readonly Struct: StructClass;
  readonly jspb: {
    readonly BinaryReader: new (bytes: Uint8Array) => BinaryReader;
    readonly Map: {
      deserializeBinary(
        map: unknown,
        reader: BinaryReader,
        readKey: unknown,
        readValue: unknown,
        readValueMessage: unknown,
        defaultKey: string,
        defaultValue: unknown,
      ): void;
    };
  };
}

/** The fields (getters) each generated class had when the readers below were written. */
const knownFields: Record<string, readonly string[]> = {
  AnalyzeRequest: ["getType", "getProperties", "getUrn", "getName", "getOptions", "getProvider"],
  AnalyzerResource: [
    "getType",
    "getProperties",
    "getUrn",
    "getName",
    "getOptions",
    "getProvider",
    "getParent",
    "getDependenciesList",
    "getPropertydependenciesMap",
  ],
  AnalyzerProviderResource: ["getType", "getProperties", "getUrn", "getName"],
  AnalyzeStackRequest: ["getResourcesList"],
};

/** Whether the generated classes have exactly the fields the readers here know. */
export function knowsFields(analyzer: ProtocolModules["analyzer"]): boolean {
  return Object.entries(knownFields).every(([name, fields]) => {
    const generated = (analyzer as unknown as Record<string, { prototype?: object } | undefined>)[name];
    if (generated?.prototype === undefined) return false;
    const getters = Object.getOwnPropertyNames(generated.prototype).filter((key) => /^get[A-Z]/.test(key));
    return getters.length === fields.length && fields.every((field) => getters.includes(field));
  });
}

/** A Struct that keeps its bytes until it is read. */
function lazyStructClass(
  Struct: StructClass,
  BinaryReaderClass: ProtocolModules["jspb"]["BinaryReader"],
): new (bytes: Uint8Array) => StructMessage {
  const decodeFully = (bytes: Uint8Array) => Struct.deserializeBinary(bytes).toJavaScript();
  const decode = structDecoder(BinaryReaderClass, decodeFully);
  const base = Struct as unknown as new () => StructMessage;
  return class LazyStruct extends base {
    #bytes: Uint8Array | undefined;

    constructor(bytes: Uint8Array) {
      super();
      this.#bytes = bytes;
    }

    /** Decodes the bytes into the message itself, for anything but `toJavaScript()`. */
    #materialize(): void {
      const bytes = this.#bytes;
      if (bytes !== undefined) {
        this.#bytes = undefined;
        Struct.deserializeBinaryFromReader(this, new BinaryReaderClass(bytes));
      }
    }

    override toJavaScript(): Record<string, unknown> {
      return this.#bytes === undefined ? super.toJavaScript() : decode(this.#bytes);
    }

    override getFieldsMap(noLazyCreate?: boolean): unknown {
      this.#materialize();
      return super.getFieldsMap(noLazyCreate);
    }

    override clearFieldsMap(): unknown {
      this.#materialize();
      return super.clearFieldsMap();
    }
  };
}

export interface RequestDeserializers {
  analyze(buffer: Buffer): unknown;
  analyzeStack(buffer: Buffer): unknown;
}

/** The two deserializers, or undefined when the generated classes are not the ones the readers know. */
export function lazyRequestDeserializers(modules: ProtocolModules): RequestDeserializers | undefined {
  const { analyzer, Struct, jspb } = modules;
  if (!knowsFields(analyzer)) return undefined;
  const LazyStruct = lazyStructClass(Struct, jspb.BinaryReader);

  /** Fields 1-4, the same in a resource and its provider; false for any other field. */
  const readIdentityField = (message: IdentityFields, reader: BinaryReader): boolean => {
    switch (reader.getFieldNumber()) {
      case 1:
        message.setType(reader.readString());
        return true;
      case 2:
        message.setProperties(new LazyStruct(reader.readBytes()));
        return true;
      case 3:
        message.setUrn(reader.readString());
        return true;
      case 4:
        message.setName(reader.readString());
        return true;
      default:
        return false;
    }
  };

  const readProvider = (message: IdentityFields, reader: BinaryReader) => {
    while (reader.nextField()) {
      if (reader.isEndGroup()) break;
      if (!readIdentityField(message, reader)) reader.skipField();
    }
    return message;
  };

  /** Fields 1-6, shared by `AnalyzeRequest` and `AnalyzerResource`; false for any other field. */
  const readResourceField = (message: ResourceFields, reader: BinaryReader): boolean => {
    if (readIdentityField(message, reader)) return true;
    switch (reader.getFieldNumber()) {
      case 5: {
        const options = new analyzer.AnalyzerResourceOptions();
        reader.readMessage(options as Message, analyzer.AnalyzerResourceOptions.deserializeBinaryFromReader);
        message.setOptions(options);
        return true;
      }
      case 6: {
        const provider = new analyzer.AnalyzerProviderResource();
        reader.readMessage(provider as unknown as Message, readProvider as never);
        message.setProvider(provider);
        return true;
      }
      default:
        return false;
    }
  };

  const readStackResource = (message: StackResourceFields, reader: BinaryReader) => {
    while (reader.nextField()) {
      if (reader.isEndGroup()) break;
      if (readResourceField(message, reader)) continue;
      switch (reader.getFieldNumber()) {
        case 7:
          message.setParent(reader.readString());
          break;
        case 8:
          message.addDependencies(reader.readString());
          break;
        case 9: {
          const links = message.getPropertydependenciesMap();
          reader.readMessage(links as Message, (map, entryReader) => {
            jspb.Map.deserializeBinary(
              map,
              entryReader,
              jspb.BinaryReader.prototype.readString,
              jspb.BinaryReader.prototype.readMessage,
              analyzer.AnalyzerPropertyDependencies.deserializeBinaryFromReader,
              "",
              new analyzer.AnalyzerPropertyDependencies(),
            );
          });
          break;
        }
        default:
          reader.skipField();
      }
    }
    return message;
  };

  return {
    analyze(buffer) {
      const message = new analyzer.AnalyzeRequest();
      const reader = new jspb.BinaryReader(new Uint8Array(buffer));
      while (reader.nextField()) {
        if (reader.isEndGroup()) break;
        if (!readResourceField(message, reader)) reader.skipField();
      }
      return message;
    },
    analyzeStack(buffer) {
      const message = new analyzer.AnalyzeStackRequest();
      const reader = new jspb.BinaryReader(new Uint8Array(buffer));
      while (reader.nextField()) {
        if (reader.isEndGroup()) break;
        if (reader.getFieldNumber() === 1) {
          const resource = new analyzer.AnalyzerResource();
          reader.readMessage(resource as unknown as Message, readStackResource as never);
          message.addResources(resource);
        } else {
          reader.skipField();
        }
      }
      return message;
    },
  };
}
