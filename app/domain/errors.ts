/**
 * Domain errors: services throw these, the HTTP layer maps each to an RFC 9457 problem document.
 * Anything else that escapes to the HTTP layer is a bug and becomes a 500 (logged, never detailed).
 */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Short, stable slug; the problem `type` is derived from it. */
  abstract readonly slug: string;
  abstract readonly title: string;

  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly slug = "bad-request";
  readonly title = "Bad request";
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly slug = "validation-error";
  readonly title = "The request is not valid";

  constructor(
    detail: string,
    readonly errors: readonly FieldError[],
  ) {
    super(detail);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly slug = "unauthorized";
  readonly title = "Authentication required";
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly slug = "forbidden";
  readonly title = "Not allowed";
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly slug = "not-found";
  readonly title = "Not found";
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly slug = "method-not-allowed";
  readonly title = "Method not allowed";
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly slug = "conflict";
  readonly title = "Conflict";
}

export class InsufficientStockError extends AppError {
  readonly status = 409;
  readonly slug = "insufficient-stock";
  readonly title = "Insufficient stock";

  constructor(readonly productIds: readonly string[]) {
    super(`Not enough stock for product(s): ${productIds.join(", ")}`);
  }
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly slug = "unprocessable";
  readonly title = "The request cannot be processed";
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly slug = "too-many-requests";
  readonly title = "Too many requests";

  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
  }
}

/** The classes of dependency a problem `type` may name: what a client can act on, not which product it is. */
export type Dependency = "database" | "object-storage" | "secret-store";
export type DependencyFailure = "throttled" | "timeout" | "unavailable" | "network";

/**
 * A dependency is throttling, failing, unreachable or too slow: the request may well succeed later, so it
 * is a 503 with Retry-After, never a 500. `operation` and `cause` are for the log only.
 */
export class DependencyUnavailableError extends AppError {
  readonly status = 503;
  readonly slug: string;
  readonly title = "Service temporarily unavailable";

  constructor(
    readonly dependency: Dependency,
    readonly failure: DependencyFailure,
    readonly operation: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(
      failure === "throttled"
        ? `The ${dependency.replace("-", " ")} is busy; retry after the time in Retry-After`
        : `The ${dependency.replace("-", " ")} is not answering; retry after the time in Retry-After`,
    );
    if (options?.cause !== undefined) this.cause = options.cause;
    this.slug = `${dependency}-unavailable`;
  }
}
