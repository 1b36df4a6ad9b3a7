import { tables } from "../data/tables";
import type { Product } from "../domain/models";
import {
  commands,
  isConditionalCheckFailure,
  toKeyPage,
  type DocumentClientProvider,
  type Item,
  type KeyPage,
  budgets,
} from "./dynamo";

export type ProductChanges = Partial<
  Pick<Product, "name" | "description" | "priceCents" | "stock" | "category">
>;

const BY_CATEGORY = tables.products.globalSecondaryIndexes[0].name;

export class ProductRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly tableName: string,
  ) {}

  async create(product: Product): Promise<void> {
    const [db, { PutCommand }] = await Promise.all([this.db(), commands()]);
    await db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(product),
        ConditionExpression: "attribute_not_exists(productId)",
      }),
      budgets.write(),
    );
  }

  async get(id: string): Promise<Product | undefined> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({ TableName: this.tableName, Key: { productId: id } }),
      budgets.read(),
    );
    return item ? toProduct(item) : undefined;
  }

  /** Strongly consistent reads of up to 100 products (the order path prices from these). */
  async getMany(ids: readonly string[]): Promise<Map<string, Product>> {
    const [db, { BatchGetCommand }] = await Promise.all([this.db(), commands()]);
    const found = new Map<string, Product>();
    let keys: Item[] = ids.map((productId) => ({ productId }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      const result = await db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        budgets.read(),
      );
      for (const item of result.Responses?.[this.tableName] ?? [])
        found.set(String(item.productId), toProduct(item));
      keys = (result.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined) ?? [];
      if (keys.length > 0) await backoff(attempt);
    }
    return found;
  }

  /** A page of the catalogue, or of one category through its index (never a filtered Scan). */
  async list(options: { limit: number; category?: string; startKey?: Item }): Promise<KeyPage<Product>> {
    const [db, { QueryCommand, ScanCommand }] = await Promise.all([this.db(), commands()]);
    if (options.category !== undefined) {
      const result = await db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_CATEGORY,
          KeyConditionExpression: "category = :category",
          ExpressionAttributeValues: { ":category": options.category },
          Limit: options.limit + 1,
          ExclusiveStartKey: options.startKey,
        }),
        budgets.read(),
      );
      return toKeyPage(
        result.Items,
        options.limit,
        (i) => ({ productId: i.productId, category: i.category }),
        toProduct,
      );
    }
    const result = await db.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: options.limit + 1,
        ExclusiveStartKey: options.startKey,
      }),
      budgets.read(),
    );
    return toKeyPage(result.Items, options.limit, (i) => ({ productId: i.productId }), toProduct);
  }

  /** Applies the changes; undefined when the product does not exist. */
  async update(id: string, changes: ProductChanges, updatedAt: string): Promise<Product | undefined> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    const fields = { ...changes, updatedAt };
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { productId: id },
          UpdateExpression: `SET ${entries.map(([field]) => `#${field} = :${field}`).join(", ")}`,
          ConditionExpression: "attribute_exists(productId)",
          ExpressionAttributeNames: Object.fromEntries(entries.map(([field]) => [`#${field}`, field])),
          ExpressionAttributeValues: Object.fromEntries(
            entries.map(([field, value]) => [`:${field}`, value]),
          ),
          ReturnValues: "ALL_NEW",
        }),
        budgets.write(),
      );
      return Attributes ? toProduct(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the product; false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    const [db, { DeleteCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { productId: id },
          ConditionExpression: "attribute_exists(productId)",
        }),
        budgets.write(),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}

export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 20 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

function toItem(product: Product): Item {
  return {
    productId: product.id,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    stock: product.stock,
    category: product.category,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}

export function toProduct(item: Item): Product {
  return {
    id: String(item.productId),
    name: String(item.name),
    description: String(item.description ?? ""),
    priceCents: Number(item.priceCents),
    stock: Number(item.stock),
    category: String(item.category),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
