import { Router } from "express";
import { NotFoundError } from "../../domain/errors";
import type { ProductService } from "../../services/product-service";
import type { TokenService } from "../../services/token-service";
import { authenticate, requireAdmin } from "../middleware/authenticate";
import { CreateProductRequest, IdPath, ListProductsQuery, UpdateProductRequest } from "../schemas";
import { validate } from "../validate";

/** An id that cannot exist is simply not found; it never reaches DynamoDB. */
export function parseId(params: unknown, what: string): string {
  const parsed = IdPath.safeParse(params);
  if (!parsed.success) throw new NotFoundError(`No ${what} with this id`);
  return parsed.data.id;
}

export function productRoutes(products: ProductService, tokens: TokenService): Router {
  const router = Router();
  const admin = [authenticate(tokens), requireAdmin()];

  router.get("/", async (req, res) => {
    res.json(await products.list(validate(ListProductsQuery, req.query, "query")));
  });

  router.get("/:id", async (req, res) => {
    res.json(await products.get(parseId(req.params, "product")));
  });

  router.post("/", ...admin, async (req, res) => {
    const product = await products.create(validate(CreateProductRequest, req.body, "body"));
    res.status(201).location(`/products/${product.id}`).json(product);
  });

  router.patch("/:id", ...admin, async (req, res) => {
    const id = parseId(req.params, "product");
    res.json(await products.update(id, validate(UpdateProductRequest, req.body, "body")));
  });

  router.delete("/:id", ...admin, async (req, res) => {
    await products.delete(parseId(req.params, "product"));
    res.status(204).end();
  });

  return router;
}
