import express, { type Express, type Router } from "express";
import helmet from "helmet";
import type { AppLogger, AuditSink } from "../observability/logger";
import type { AuthService } from "../services/auth-service";
import type { OrderService } from "../services/order-service";
import type { ProductService } from "../services/product-service";
import type { ReportService } from "../services/report-service";
import type { TokenService } from "../services/token-service";
import { auditTrail, rememberMountPath } from "./middleware/audit";
import { correlationId } from "./middleware/correlation-id";
import { errorHandler, notFound } from "./middleware/error-handler";
import { jsonBody } from "./middleware/json-body";
import { strictUrl } from "./middleware/strict-url";
import { authRoutes } from "./routes/auth-routes";
import { operationRoutes } from "./routes/operation-routes";
import { orderRoutes } from "./routes/order-routes";
import { productRoutes } from "./routes/product-routes";
import { reportRoutes } from "./routes/report-routes";

export interface AppDependencies {
  readonly auth: AuthService;
  readonly tokens: TokenService;
  readonly products: ProductService;
  readonly orders: OrderService;
  readonly reports: ReportService;
  readonly logger: AppLogger;
  readonly audit: AuditSink;
  readonly swaggerUiDir: string;
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

  const mount = (path: string, router: Router) => app.use(path, rememberMountPath(path), router);
  app.use(operationRoutes(deps.swaggerUiDir));
  mount("/auth", authRoutes(deps.auth, deps.tokens));
  mount("/products", productRoutes(deps.products, deps.tokens));
  mount("/orders", orderRoutes(deps.orders, deps.tokens));
  mount("/admin/reports", reportRoutes(deps.reports, deps.tokens));

  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
