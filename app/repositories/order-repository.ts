import { tables } from "../data/tables";
import type { Order, OrderLine } from "../domain/models";
import {
  cancellationReasons,
  commands,
  toKeyPage,
  type DocumentClientProvider,
  type Item,
  type KeyPage,
  budgets,
} from "./dynamo";

const BY_USER = tables.orders.globalSecondaryIndexes[0].name;

export interface StockDecrement {
  readonly productId: string;
  readonly quantity: number;
  /** The price the order was computed with; the write fails if the catalogue changed it meanwhile. */
  readonly unitPriceCents: number;
}

export interface IdempotencyRecord {
  readonly key: string;
  readonly requestHash: string;
  readonly status: number;
  readonly body: string;
  readonly expiresAt: number;
}

export type PlaceOutcome =
  | { readonly kind: "placed" }
  | { readonly kind: "insufficient-stock"; readonly productIds: string[] }
  /**
   * A product changed (price, stock or existence), a concurrent transaction touched the same items, or
   * the idempotency key was taken: the caller re-reads and tries again.
   */
  | { readonly kind: "retry"; readonly idempotencyKeyTaken: boolean };

export type CancelOutcome =
  { readonly kind: "cancelled" } | { readonly kind: "not-placed" } | { readonly kind: "retry" };

/**
 * Orders, their stock movements and their idempotency records. Placing and cancelling are each one
 * DynamoDB transaction: the stock changes and the order change commit together or not at all, and the
 * `stock >= quantity` condition is what makes overselling impossible under any concurrency.
 */
export class OrderRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly ordersTable: string,
    private readonly productsTable: string,
    private readonly idempotencyTable: string,
  ) {}

  async place(
    order: Order,
    week: string,
    decrements: readonly StockDecrement[],
    idempotency?: IdempotencyRecord,
  ): Promise<PlaceOutcome> {
    const [db, { TransactWriteCommand }] = await Promise.all([this.db(), commands()]);
    const stockUpdates = decrements.map((line) => ({
      Update: {
        TableName: this.productsTable,
        Key: { productId: line.productId },
        UpdateExpression: "SET stock = stock - :quantity, updatedAt = :now",
        ConditionExpression: "attribute_exists(productId) AND stock >= :quantity AND priceCents = :price",
        ExpressionAttributeValues: {
          ":quantity": line.quantity,
          ":price": line.unitPriceCents,
          ":now": order.createdAt,
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
      },
    }));
    // The order id is new, so the condition fails only when this very transaction already committed: the
    // SDK retried it after a timeout that came after the commit, and DynamoDB did not recognise the retry.
    const orderPut = {
      Put: {
        TableName: this.ordersTable,
        Item: { ...orderItem(order), week },
        ConditionExpression: "attribute_not_exists(orderId)",
      },
    };
    const idempotencyPut = idempotency ? [this.idempotencyPut(idempotency, order.createdAt)] : [];
    try {
      await db.send(
        new TransactWriteCommand({ TransactItems: [...stockUpdates, orderPut, ...idempotencyPut] }),
        budgets.transaction(),
      );
      return { kind: "placed" };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[decrements.length]?.Code === "ConditionalCheckFailed") return { kind: "placed" };
      const short: string[] = [];
      // DynamoDB returns the failing item (ReturnValuesOnConditionCheckFailure); DynamoDB Local does
      // not, and then the caller's retry re-reads the products and finds the cause itself.
      decrements.forEach((line, index) => {
        const reason = reasons[index];
        if (
          reason?.Code === "ConditionalCheckFailed" &&
          reason.Item &&
          Number(reason.Item.stock) < line.quantity
        ) {
          short.push(line.productId);
        }
      });
      if (short.length > 0) return { kind: "insufficient-stock", productIds: short };
      const idempotencyReason = idempotency ? reasons[decrements.length + 1] : undefined;
      return { kind: "retry", idempotencyKeyTaken: idempotencyReason?.Code === "ConditionalCheckFailed" };
    }
  }

  async get(id: string): Promise<Order | undefined> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({ TableName: this.ordersTable, Key: { orderId: id }, ConsistentRead: true }),
      budgets.read(),
    );
    return item ? toOrder(item) : undefined;
  }

  /** A user's orders, newest first. */
  async listByUser(userId: string, limit: number, startKey?: Item): Promise<KeyPage<Order>> {
    const [db, { QueryCommand }] = await Promise.all([this.db(), commands()]);
    const result = await db.send(
      new QueryCommand({
        TableName: this.ordersTable,
        IndexName: BY_USER,
        KeyConditionExpression: "userId = :userId",
        ExpressionAttributeValues: { ":userId": userId },
        ScanIndexForward: false,
        Limit: limit + 1,
        ExclusiveStartKey: startKey,
      }),
      budgets.read(),
    );
    return toKeyPage(
      result.Items,
      limit,
      (i) => ({ orderId: i.orderId, userId: i.userId, createdAt: i.createdAt }),
      toOrder,
    );
  }

  /**
   * Marks the order cancelled and puts its stock back, in one transaction, with the idempotency record
   * when there is one. `attemptId` is stored on the order so that a retried transaction that finds the order
   * already cancelled can tell its own earlier commit from someone else's cancellation.
   */
  async cancel(
    orderId: string,
    restock: readonly { productId: string; quantity: number }[],
    cancelledAt: string,
    attemptId: string,
    idempotency?: IdempotencyRecord,
  ): Promise<CancelOutcome> {
    const [db, { TransactWriteCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ordersTable,
                Key: { orderId },
                UpdateExpression: "SET #status = :cancelled, cancelledAt = :now, cancelAttempt = :attempt",
                ConditionExpression: "#status = :placed",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                  ":cancelled": "CANCELLED",
                  ":placed": "PLACED",
                  ":now": cancelledAt,
                  ":attempt": attemptId,
                },
              },
            },
            ...restock.map((line) => ({
              Update: {
                TableName: this.productsTable,
                Key: { productId: line.productId },
                UpdateExpression: "SET stock = stock + :quantity, updatedAt = :now",
                // A product deleted since the order has no stock to restore; the update must not recreate it.
                ConditionExpression: "attribute_exists(productId)",
                ExpressionAttributeValues: { ":quantity": line.quantity, ":now": cancelledAt },
              },
            })),
            ...(idempotency ? [this.idempotencyPut(idempotency, cancelledAt)] : []),
          ],
        }),
        budgets.transaction(),
      );
      return { kind: "cancelled" };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      return reasons[0]?.Code === "ConditionalCheckFailed" ? { kind: "not-placed" } : { kind: "retry" };
    }
  }

  private idempotencyPut(record: IdempotencyRecord, now: string) {
    return {
      Put: {
        TableName: this.idempotencyTable,
        Item: { ...record },
        ConditionExpression: "attribute_not_exists(#key) OR expiresAt <= :now",
        ExpressionAttributeNames: { "#key": "key" },
        // TTL deletes expired records late; until then an expired record must not block its key.
        ExpressionAttributeValues: { ":now": Math.floor(Date.parse(now) / 1000) },
      },
    };
  }

  /** Whether the order's cancellation was committed by the cancel attempt `attemptId`. */
  async cancelledBy(orderId: string, attemptId: string): Promise<boolean> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({
        TableName: this.ordersTable,
        Key: { orderId },
        ConsistentRead: true,
        ProjectionExpression: "cancelAttempt",
      }),
      budgets.read(),
    );
    return item?.cancelAttempt === attemptId;
  }

  async getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({ TableName: this.idempotencyTable, Key: { key }, ConsistentRead: true }),
      budgets.read(),
    );
    return item as IdempotencyRecord | undefined;
  }
}

function orderItem(order: Order): Item {
  return {
    orderId: order.id,
    userId: order.userId,
    items: order.items,
    totalCents: order.totalCents,
    status: order.status,
    createdAt: order.createdAt,
  };
}

export function toOrder(item: Item): Order {
  const lines = (item.items as Item[]).map((line): OrderLine => ({
    productId: String(line.productId),
    name: String(line.name),
    quantity: Number(line.quantity),
    unitPriceCents: Number(line.unitPriceCents),
  }));
  return {
    id: String(item.orderId),
    userId: String(item.userId),
    items: lines,
    totalCents: Number(item.totalCents),
    status: item.status === "CANCELLED" ? "CANCELLED" : "PLACED",
    createdAt: String(item.createdAt),
    ...(item.cancelledAt ? { cancelledAt: String(item.cancelledAt) } : {}),
  };
}
