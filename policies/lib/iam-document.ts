import { isUnknownMarker } from "./known";

/**
 * IAM policy documents normalised from every way they are written: a JSON string or an object, `Statement`
 * as one object or an array, `Action`/`Resource`/`Principal` values as a string or an array, element names
 * and `Effect` in any case.
 */

export interface Principal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare `"Principal": "*"`. */
  readonly type: string;
  readonly value: string;
}

export interface Condition {
  /** The operator as written, e.g. `StringEquals` or `ForAnyValue:StringLike`. */
  readonly operator: string;
  /** The condition key in lower case (IAM compares keys case-insensitively). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** How a message names the statement: `statement 2 (Sid "ReadOrders")`. */
  readonly label: string;
  readonly effect: "Allow" | "Deny" | "invalid";
  readonly actions: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals?: readonly Principal[];
  readonly conditions: readonly Condition[];
  /** The `Condition` block itself was unknown during preview. */
  readonly conditionsUnknown: boolean;
}

export type ParsedDocument =
  | {
      readonly ok: true;
      readonly statements: readonly Statement[];
      /** The document or its Statement was unknown during preview: nothing in it could be read. */
      readonly unknown?: true;
    }
  | { readonly ok: false; readonly problem: string };

export function parseDocument(raw: unknown): ParsedDocument {
  let document: unknown = raw;
  if (typeof raw === "string") {
    if (isUnknownMarker(raw)) {
      return { ok: true, statements: [], unknown: true };
    }
    try {
      document = JSON.parse(raw);
    } catch (error) {
      return { ok: false, problem: `is not valid JSON (${(error as Error).message})` };
    }
  }
  if (!isRecord(document)) {
    return { ok: false, problem: "is not a JSON object" };
  }
  const statementValue = element(document, "Statement");
  if (isUnknownMarker(statementValue)) {
    return { ok: true, statements: [], unknown: true };
  }
  const rawStatements = asList(statementValue);
  if (rawStatements.length === 0) {
    return { ok: false, problem: "has no Statement" };
  }
  const statements: Statement[] = [];
  for (const [index, rawStatement] of rawStatements.entries()) {
    if (isUnknownMarker(rawStatement)) {
      continue;
    }
    if (!isRecord(rawStatement)) {
      return { ok: false, problem: `has a statement ${index + 1} that is not an object` };
    }
    statements.push(parseStatement(rawStatement, index));
  }
  return { ok: true, statements };
}

function parseStatement(raw: Record<string, unknown>, index: number): Statement {
  const sid = element(raw, "Sid");
  const label =
    typeof sid === "string" && sid !== ""
      ? `statement ${index + 1} (Sid "${sid}")`
      : `statement ${index + 1}`;
  const effect = String(element(raw, "Effect") ?? "").toLowerCase();
  const condition = element(raw, "Condition");
  const notActions = element(raw, "NotAction");
  const notResources = element(raw, "NotResource");
  const notPrincipal = element(raw, "NotPrincipal");
  return {
    label,
    effect: effect === "allow" ? "Allow" : effect === "deny" ? "Deny" : "invalid",
    actions: strings(element(raw, "Action")),
    resources: strings(element(raw, "Resource")),
    principals: principals(element(raw, "Principal")),
    conditions: conditions(condition),
    conditionsUnknown: isUnknownMarker(condition),
    ...(notActions !== undefined ? { notActions: strings(notActions) } : {}),
    ...(notResources !== undefined ? { notResources: strings(notResources) } : {}),
    ...(notPrincipal !== undefined ? { notPrincipals: principals(notPrincipal) } : {}),
  };
}

function principals(value: unknown): Principal[] {
  if (value === undefined) {
    return [];
  }
  if (typeof value === "string") {
    return [{ type: value === "*" ? "*" : "AWS", value }];
  }
  if (!isRecord(value)) {
    return [];
  }
  return Object.entries(value).flatMap(([type, entries]) =>
    strings(entries).map((entry) => ({ type, value: entry })),
  );
}

function conditions(value: unknown): Condition[] {
  if (!isRecord(value)) {
    return [];
  }
  const result: Condition[] = [];
  for (const [operator, keys] of Object.entries(value)) {
    if (!isRecord(keys)) {
      continue;
    }
    for (const [key, values] of Object.entries(keys)) {
      result.push({ operator, key: key.toLowerCase(), values: strings(values) });
    }
  }
  return result;
}

/** A scalar or list element as a list of strings (booleans and numbers are written either way in IAM). */
function strings(value: unknown): string[] {
  return asList(value)
    .filter((item) => ["string", "number", "boolean"].includes(typeof item))
    .map((item) => String(item));
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** Reads an element whatever its case: `Statement`, `statement` and `STATEMENT` are the same to this pack. */
function element(record: Record<string, unknown>, name: string): unknown {
  if (name in record) {
    return record[name];
  }
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
