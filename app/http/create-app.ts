import express, { type Express, type RequestHandler, type Router } from "express";
import helmet from "helmet";
import type { AppLogger, AuditSink } from "../observability/logger";
import type { ShopMetrics } from "../observability/metrics";
import type { AuthService } from "../services/auth-service";
import type { OrderService } from "../services/order-service";
import type { ProductService } from "../services/product-service";
import type { ReportService } from "../services/report-service";
import type { TokenService } from "../services/token-service";
import { auditTrail, rememberMountPath } from "./middleware/audit";
import { correlationId } from "./middleware/correlation-id";
import { errorHandler, notFound } from "./middleware/error-handler";
import { jsonBody } from "./middleware/json-body";
import { methodNotAllowed } from "./middleware/method-not-allowed";
import { requestDeadline } from "./middleware/request-deadline";
import { strictUrl } from "./middleware/strict-url";
import { operationRoutes } from "./routes/operation-routes";

export interface AppDependencies {
  readonly auth: AuthService;
  readonly tokens: TokenService;
  readonly products: ProductService;
  readonly orders: OrderService;
  readonly reports: ReportService;
  readonly logger: AppLogger;
  readonly metrics: ShopMetrics;
  readonly audit: AuditSink;
  readonly swaggerUiDir: string;
}

/**
 * A router whose module is imported on the first request that reaches it. The route modules bring the zod
 * request schemas, whose construction is a good part of a cold start; a Lambda instance that only ever
 * answers /health, or not yet anything else, never builds them.
 */
function lazyRouter(load: () => Promise<Router>): RequestHandler {
  let router: Router | undefined;
  let loading: Promise<Router> | undefined;
  return (req, res, next) => {
    if (router) return router(req, res, next);
    loading ??= load().then(
      (loaded) => (router = loaded),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    loading.then((loaded) => loaded(req, res, next)).catch(next);
  };
}

/** The Express app, built from its dependencies: the Lambda handler, the local server and the tests serve this. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  app.use(correlationId());
  app.use(helmet());
  app.use(strictUrl());
  app.use(auditTrail(deps.audit));
  app.use(jsonBody());
  app.use(requestDeadline());

  const mount = (path: string, load: () => Promise<Router>) =>
    app.use(path, rememberMountPath(path), lazyRouter(load));
  app.use(operationRoutes(deps.swaggerUiDir));
  mount("/auth", async () => (await import("./routes/auth-routes")).authRoutes(deps.auth, deps.tokens));
  mount("/products", async () =>
    (await import("./routes/product-routes")).productRoutes(deps.products, deps.tokens),
  );
  mount("/orders", async () => (await import("./routes/order-routes")).orderRoutes(deps.orders, deps.tokens));
  mount("/admin/reports", async () =>
    (await import("./routes/report-routes")).reportRoutes(deps.reports, deps.tokens),
  );

  app.use(methodNotAllowed());
  app.use(notFound());
  app.use(errorHandler(deps.logger, deps.metrics));
  return app;
}
