import { randomUUID } from "node:crypto";
import { NotFoundError } from "../domain/errors";
import type { Page, Product } from "../domain/models";
import type { ProductChanges, ProductRepository } from "../repositories/product-repository";
import type { CursorCodec } from "./cursor-codec";

export interface NewProduct {
  readonly name: string;
  readonly description?: string;
  readonly priceCents: number;
  readonly stock: number;
  readonly category: string;
}

export class ProductService {
  constructor(
    private readonly products: ProductRepository,
    private readonly cursors: CursorCodec,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(query: { limit: number; cursor?: string; category?: string }): Promise<Page<Product>> {
    const scope = query.category === undefined ? "products" : `products/category/${query.category}`;
    const startKey = await this.cursors.decode(scope, query.cursor);
    const page = await this.products.list({ limit: query.limit, category: query.category, startKey });
    return { items: page.items, nextCursor: await this.cursors.encode(scope, page.lastKey) };
  }

  async get(id: string): Promise<Product> {
    const product = await this.products.get(id);
    if (!product) throw productNotFound(id);
    return product;
  }

  async create(input: NewProduct): Promise<Product> {
    const at = this.now().toISOString();
    const product: Product = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? "",
      priceCents: input.priceCents,
      stock: input.stock,
      category: input.category,
      createdAt: at,
      updatedAt: at,
    };
    await this.products.create(product);
    return product;
  }

  async update(id: string, changes: ProductChanges): Promise<Product> {
    const updated = await this.products.update(id, changes, this.now().toISOString());
    if (!updated) throw productNotFound(id);
    return updated;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.products.delete(id))) throw productNotFound(id);
  }
}

function productNotFound(id: string): NotFoundError {
  return new NotFoundError(`No product with id ${id}`);
}
