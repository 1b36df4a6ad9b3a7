import type { ErrorRequestHandler, RequestHandler } from "express";
import {
  AppError,
  DependencyUnavailableError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from "../../domain/errors";
import type { AppLogger } from "../../observability/logger";
import type { ShopMetrics } from "../../observability/metrics";
import { sendProblem } from "../problem";
import { bodyParserProblem } from "./json-body";

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path.slice(0, 256)}`));
}

/**
 * The one place errors become responses. Domain errors and the framework's own 4xx errors become
 * problem documents; a dependency outage is a 503, logged once and counted; anything else is a defect:
 * logged with its stack and answered with a bare 500.
 */
export function errorHandler(logger: AppLogger, metrics: ShopMetrics): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof DependencyUnavailableError) {
      // The cause's name and message say what failed (a timeout, ECONNREFUSED); they go to the log, not
      // to the client, whose problem document names only the class of dependency.
      const cause = error.cause instanceof Error ? error.cause : undefined;
      logger.warn("Dependency unavailable", {
        dependency: error.dependency,
        failure: error.failure,
        operation: error.operation,
        cause: cause ? { name: cause.name, message: cause.message } : undefined,
        correlationId: res.locals.correlationId,
      });
      metrics.dependencyUnavailable(error.dependency, error.failure);
      res.setHeader("Retry-After", String(error.retryAfterSeconds));
      return sendProblem(res, error);
    }
    if (error instanceof AppError) {
      if (error instanceof UnauthorizedError) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="shop-api"');
      }
      if (error instanceof TooManyRequestsError)
        res.setHeader("Retry-After", String(error.retryAfterSeconds));
      return sendProblem(res, {
        slug: error.slug,
        title: error.title,
        status: error.status,
        detail: error.detail,
        errors: error instanceof ValidationError ? error.errors : undefined,
      });
    }
    const bodyProblem = bodyParserProblem(error);
    if (bodyProblem) return sendProblem(res, bodyProblem);
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendProblem(res, {
        slug: "bad-request",
        title: "Bad request",
        status,
        detail: "The request could not be processed",
      });
    }
    logger.error("Unhandled error", { error: error as Error, correlationId: res.locals.correlationId });
    sendProblem(res, {
      slug: "internal-error",
      title: "Internal server error",
      status: 500,
      detail: "Something went wrong on our side; quote the correlation id when reporting it",
    });
  };
}
