import { Router } from "express";
import { once } from "../../once";
import type { ProductService } from "../../services/product-service";
import type { TokenService } from "../../services/token-service";
import { parseId } from "../ids";
import { authenticate, requireAdmin } from "../middleware/authenticate";
import { validate } from "../validate";

/** The request schemas (and zod), loaded by the first request that has a query or body to validate. */
const schemas = once(() => import("../schemas"));

export function productRoutes(products: ProductService, tokens: TokenService): Router {
  const router = Router();
  const admin = [authenticate(tokens), requireAdmin()];

  router.get("/", async (req, res) => {
    const { ListProductsQuery } = await schemas();
    res.json(await products.list(validate(ListProductsQuery, req.query, "query")));
  });

  router.get("/:id", async (req, res) => {
    res.json(await products.get(parseId(req.params, "product")));
  });

  router.post("/", ...admin, async (req, res) => {
    const { CreateProductRequest } = await schemas();
    const product = await products.create(validate(CreateProductRequest, req.body, "body"));
    res.status(201).location(`/products/${product.id}`).json(product);
  });

  router.patch("/:id", ...admin, async (req, res) => {
    const id = parseId(req.params, "product");
    const { UpdateProductRequest } = await schemas();
    res.json(await products.update(id, validate(UpdateProductRequest, req.body, "body")));
  });

  router.delete("/:id", ...admin, async (req, res) => {
    await products.delete(parseId(req.params, "product"));
    res.status(204).end();
  });

  return router;
}
