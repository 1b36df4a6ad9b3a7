import { Router } from "express";
import type { OrderService } from "../../services/order-service";
import type { TokenService } from "../../services/token-service";
import { authenticate, principalOf } from "../middleware/authenticate";
import { CreateOrderRequest, IdempotencyKey, ListOrdersQuery } from "../schemas";
import { validate } from "../validate";
import { parseId } from "../ids";

export function orderRoutes(orders: OrderService, tokens: TokenService): Router {
  const router = Router();
  router.use(authenticate(tokens));

  router.post("/", async (req, res) => {
    const header = req.headers["idempotency-key"];
    const key = header === undefined ? undefined : validate(IdempotencyKey, header, "header");
    const placed = await orders.place(principalOf(res), validate(CreateOrderRequest, req.body, "body"), key);
    if (placed.replayed) res.setHeader("Idempotent-Replayed", "true");
    res.status(placed.status).location(`/orders/${placed.body.id}`).json(placed.body);
  });

  router.get("/", async (req, res) => {
    res.json(await orders.list(principalOf(res), validate(ListOrdersQuery, req.query, "query")));
  });

  router.get("/:id", async (req, res) => {
    res.json(await orders.get(principalOf(res), parseId(req.params, "order")));
  });

  router.post("/:id/cancel", async (req, res) => {
    const header = req.headers["idempotency-key"];
    const key = header === undefined ? undefined : validate(IdempotencyKey, header, "header");
    res.json(await orders.cancel(principalOf(res), parseId(req.params, "order"), key));
  });

  return router;
}
