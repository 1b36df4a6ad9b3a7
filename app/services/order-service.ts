import { createHash, randomUUID } from "node:crypto";
import {
  ConflictError,
  ForbiddenError,
  InsufficientStockError,
  NotFoundError,
  UnprocessableError,
} from "../domain/errors";
import { isoWeekOf } from "../domain/iso-week";
import type { Order, OrderLine, Page, Principal } from "../domain/models";
import type { IdempotencyRecord, OrderRepository } from "../repositories/order-repository";
import type { ProductRepository } from "../repositories/product-repository";
import { backoff } from "../repositories/product-repository";
import type { ShopMetrics } from "../observability/metrics";
import type { CursorCodec } from "./cursor-codec";

export interface OrderRequest {
  readonly items: readonly { productId: string; quantity: number }[];
}

export interface PlacedOrder {
  readonly status: number;
  readonly body: Order;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
}

/** Idempotency records outlive any sensible client retry window. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * Transactions on the same products conflict under load; each conflict is retried with jittered
 * backoff. The `stock >= quantity` condition, not the retry count, is what prevents overselling.
 */
const MAX_ATTEMPTS = 12;

export class OrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly products: ProductRepository,
    private readonly cursors: CursorCodec,
    private readonly metrics: ShopMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async place(principal: Principal, request: OrderRequest, idempotencyKey?: string): Promise<PlacedOrder> {
    const recordKey = idempotencyKey === undefined ? undefined : `${principal.userId}#${idempotencyKey}`;
    const requestHash = createHash("sha256")
      .update(JSON.stringify(request.items.map((line) => [line.productId, line.quantity])))
      .digest("base64url");

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (recordKey) {
        const replay = await this.replay(recordKey, requestHash);
        if (replay) return replay;
      }
      const catalogue = await this.products.getMany(request.items.map((line) => line.productId));
      const unknown = request.items
        .filter((line) => !catalogue.has(line.productId))
        .map((line) => line.productId);
      if (unknown.length > 0) throw new UnprocessableError(`Unknown product(s): ${unknown.join(", ")}`);
      const short = request.items.filter((line) => catalogue.get(line.productId)!.stock < line.quantity);
      if (short.length > 0) {
        // The stock may be short because of this very order: an earlier attempt with the same key that
        // committed after the record was read (its answer lost to a timeout). That is a replay, not a 409.
        const replay = recordKey ? await this.replay(recordKey, requestHash) : undefined;
        if (replay) return replay;
        throw new InsufficientStockError(short.map((line) => line.productId));
      }

      const lines: OrderLine[] = request.items.map((line) => {
        const product = catalogue.get(line.productId)!;
        return {
          productId: product.id,
          name: product.name,
          quantity: line.quantity,
          unitPriceCents: product.priceCents,
        };
      });
      const createdAt = this.now();
      const order: Order = {
        id: randomUUID(),
        userId: principal.userId,
        items: lines,
        totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
        status: "PLACED",
        createdAt: createdAt.toISOString(),
      };
      const record: IdempotencyRecord | undefined = recordKey
        ? {
            key: recordKey,
            requestHash,
            status: 201,
            body: JSON.stringify(order),
            expiresAt: Math.floor(createdAt.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          }
        : undefined;

      const outcome = await this.orders.place(order, isoWeekOf(createdAt), lines, record);
      switch (outcome.kind) {
        case "placed":
          this.metrics.orderPlaced(order.totalCents);
          return { status: 201, body: order, replayed: false };
        case "insufficient-stock": {
          const replay = recordKey ? await this.replay(recordKey, requestHash) : undefined;
          if (replay) return replay;
          throw new InsufficientStockError(outcome.productIds);
        }
        case "retry":
          if (!outcome.idempotencyKeyTaken) await backoff(attempt);
      }
    }
    throw new ConflictError("The products changed while the order was being placed; please retry");
  }

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string; userId?: string },
  ): Promise<Page<Order>> {
    const userId = query.userId ?? principal.userId;
    if (userId !== principal.userId && principal.role !== "admin") {
      throw new ForbiddenError("Only administrators may list another user's orders");
    }
    const scope = `orders/user/${userId}`;
    const startKey = await this.cursors.decode(scope, query.cursor);
    const page = await this.orders.listByUser(userId, query.limit, startKey);
    return { items: page.items, nextCursor: await this.cursors.encode(scope, page.lastKey) };
  }

  async get(principal: Principal, id: string): Promise<Order> {
    const order = await this.orders.get(id);
    // Someone else's order is reported as missing: its existence is not the caller's business.
    if (!order || (order.userId !== principal.userId && principal.role !== "admin")) {
      throw new NotFoundError(`No order with id ${id}`);
    }
    return order;
  }

  /**
   * Cancels the order and restores its stock. With an Idempotency-Key, a retry after a lost answer gets
   * the original 200 instead of a 409; without one, a retry of the transaction (by the SDK, after a timeout)
   * that finds its own earlier commit still answers 200.
   */
  async cancel(principal: Principal, id: string, idempotencyKey?: string): Promise<Order> {
    const recordKey = idempotencyKey === undefined ? undefined : `${principal.userId}#${idempotencyKey}`;
    const requestHash = createHash("sha256")
      .update(JSON.stringify(["cancel", id]))
      .digest("base64url");
    const alreadyCancelled = async () => {
      const replay = recordKey ? await this.replay(recordKey, requestHash) : undefined;
      if (replay) return replay.body;
      throw new ConflictError("The order is already cancelled");
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (recordKey) {
        const replay = await this.replay(recordKey, requestHash);
        if (replay) return replay.body;
      }
      const order = await this.get(principal, id);
      if (order.status === "CANCELLED") return alreadyCancelled();
      const stillSold = await this.products.getMany(order.items.map((line) => line.productId));
      const restock = order.items.filter((line) => stillSold.has(line.productId));
      const now = this.now();
      const cancelledAt = now.toISOString();
      const cancelled: Order = { ...order, status: "CANCELLED", cancelledAt };
      const attemptId = randomUUID();
      const record: IdempotencyRecord | undefined = recordKey
        ? {
            key: recordKey,
            requestHash,
            status: 200,
            body: JSON.stringify(cancelled),
            expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
          }
        : undefined;
      const outcome = await this.orders.cancel(order.id, restock, cancelledAt, attemptId, record);
      if (outcome.kind === "cancelled") return cancelled;
      if (outcome.kind === "not-placed") {
        if (await this.orders.cancelledBy(order.id, attemptId)) return cancelled;
        return alreadyCancelled();
      }
      await backoff(attempt);
    }
    throw new ConflictError("The order changed while it was being cancelled; please retry");
  }

  private async replay(recordKey: string, requestHash: string): Promise<PlacedOrder | undefined> {
    const record = await this.orders.getIdempotencyRecord(recordKey);
    if (!record || record.expiresAt <= Math.floor(this.now().getTime() / 1000)) return undefined;
    if (record.requestHash !== requestHash) {
      throw new UnprocessableError("This Idempotency-Key was already used with a different request body");
    }
    return { status: record.status, body: JSON.parse(record.body) as Order, replayed: true };
  }
}
