/** The parts of `pulumirpc.AnalyzeResponse` and its not-applicable entries read here (analyzer_pb). */
interface NotApplicableEntry {
  getPolicyName(): string;
  getReason(): string;
}

export interface AnalyzeResponseMessage {
  getDiagnosticsList(): unknown[];
  getNotApplicableList(): NotApplicableEntry[];
}

/** The response class of the analyzer protocol (the one the runtime's responses are made of). */
export interface AnalyzeResponseClass<Message extends AnalyzeResponseMessage> {
  new (): Message & {
    setDiagnosticsList(list: unknown[]): void;
    setNotApplicableList(list: NotApplicableEntry[]): void;
  };
}

/**
 * Beyond this many distinct (policy, reason) pairs new entries are encoded without being kept: the
 * runtime's reasons are one per policy and type, but `args.notApplicable(reason)` may carry anything.
 */
const MAX_CACHED_ENTRIES = 10_000;

/**
 * A serializer for `AnalyzeResponse` that gives the same bytes as the generated one (`serialize` here)
 * but encodes each distinct not-applicable entry once.
 *
 * The runtime answers every `Analyze` with one entry per typed policy that does not apply ("Policy only
 * applies to resources of type '...'"): for our pack about 27 entries and 2.9 KB per resource, which
 * google-protobuf encodes character by character. That was a quarter of the pack's CPU per request. A
 * message's fields are written in field-number order and a repeated field is its entries one after the
 * other, so the response is the encoding of its diagnostics (field 2) followed by each entry's own
 * encoding as field 3, and those are the same every time for the same policy and reason.
 */
export function cachingResponseSerializer<Message extends AnalyzeResponseMessage>(
  responseClass: AnalyzeResponseClass<Message>,
  serialize: (response: Message) => Buffer,
): (response: Message) => Buffer {
  const encodedEntries = new Map<string, Buffer>();
  const encodeEntry = (entry: NotApplicableEntry): Buffer => {
    const key = `${entry.getPolicyName()}\u0000${entry.getReason()}`;
    let encoded = encodedEntries.get(key);
    if (encoded === undefined) {
      const alone = new responseClass();
      alone.setNotApplicableList([entry]);
      encoded = serialize(alone);
      if (encodedEntries.size < MAX_CACHED_ENTRIES) {
        encodedEntries.set(key, encoded);
      }
    }
    return encoded;
  };
  return (response) => {
    // Anything else (not the protocol's message, as the generated serializer would reject) goes to it.
    if (!(response instanceof responseClass)) {
      return serialize(response);
    }
    const entries = response.getNotApplicableList();
    if (entries.length === 0) {
      return serialize(response);
    }
    const diagnostics = new responseClass();
    diagnostics.setDiagnosticsList(response.getDiagnosticsList());
    return Buffer.concat([serialize(diagnostics), ...entries.map(encodeEntry)]);
  };
}
