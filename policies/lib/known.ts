import { UnknownValueError } from "@pulumi/policy";

/*
 * The runtime hands policies inputs wrapped in `unknownCheckingProxy`: reading a value that is not known yet
 * (during preview, e.g. the ARN of a bucket created in the same update) throws, and the runtime turns the
 * throw into an advisory "can't run during preview" for the whole policy. A policy document often mixes
 * known parts (`Action: "*"`) with unknown ones, so documents are copied leaf by leaf with `unknownMarker`
 * in place of each unknown: the known parts are still checked, rules give an unknown the benefit of the
 * doubt, and the first unknown is kept so a policy can raise the runtime's advisory when the known parts pass.
 */

/** Stands in for a value that is unknown during preview. */
export const unknownMarker = "(unknown during preview)";

export function isUnknownMarker(value: unknown): boolean {
  return value === unknownMarker;
}

/** A plain copy of (part of) a resource's inputs, and the first unknown value met while copying. */
export interface KnownCopy {
  readonly value: unknown;
  readonly unknown?: UnknownValueError;
}

export function copyKnown(read: () => unknown): KnownCopy {
  let firstUnknown: UnknownValueError | undefined;
  const copy = (getValue: () => unknown): unknown => {
    let value: unknown;
    try {
      value = getValue();
    } catch (error) {
      if (error instanceof UnknownValueError) {
        firstUnknown ??= error;
        return unknownMarker;
      }
      throw error;
    }
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (let index = 0; index < value.length; index++) {
        items.push(copy(() => value[index]));
      }
      return items;
    }
    if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        result[key] = copy(() => record[key]);
      }
      return result;
    }
    return value;
  };
  const value = copy(read);
  return firstUnknown ? { value, unknown: firstUnknown } : { value };
}

/** Reads one value, answering `undefined` when it is unknown during preview. */
export function knownOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) {
      return undefined;
    }
    throw error;
  }
}
