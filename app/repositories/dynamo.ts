/**
 * What every repository shares: the lazily created document client, the lazily loaded command classes,
 * the time budget of each kind of call, and the translation of DynamoDB's conditional and transactional failures into plain values.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callOptions, timeBudgets } from "../aws/time-budgets";
import { once } from "../once";

export type DocumentClientProvider = () => Promise<DynamoDBDocumentClient>;

export type Item = Record<string, unknown>;

/** The command classes of `@aws-sdk/lib-dynamodb`, loaded on first use. */
export const commands = once(() => import("../aws/sdk/dynamodb"));

/** The `send` options of each call path (app/aws/time-budgets.ts): every DynamoDB call passes one. */
export const budgets = {
  read: () => callOptions(timeBudgets.dynamodb.read),
  write: () => callOptions(timeBudgets.dynamodb.write),
  transaction: () => callOptions(timeBudgets.dynamodb.transaction),
};

export function isConditionalCheckFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === "ConditionalCheckFailedException";
}

export interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Item;
}

/** The per-item reasons of a cancelled transaction, or undefined when `error` is something else. */
export function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  const candidate = error as { name?: string; CancellationReasons?: CancellationReason[] } | null;
  if (candidate?.name !== "TransactionCanceledException") return undefined;
  return candidate.CancellationReasons ?? [];
}

export interface KeyPage<T> {
  readonly items: T[];
  /** The key to resume after the last returned item, when more items may follow. */
  readonly lastKey?: Item;
}

/**
 * Pages are read with `Limit = limit + 1`: the extra item proves that another page exists, so the
 * last page never carries a cursor that leads to an empty page.
 */
export function toKeyPage<T>(
  rawItems: Item[] | undefined,
  limit: number,
  keyOf: (item: Item) => Item,
  map: (item: Item) => T,
): KeyPage<T> {
  const raw = rawItems ?? [];
  const visible = raw.slice(0, limit);
  const more = raw.length > limit;
  return {
    items: visible.map(map),
    lastKey: more && visible.length > 0 ? keyOf(visible[visible.length - 1]) : undefined,
  };
}
