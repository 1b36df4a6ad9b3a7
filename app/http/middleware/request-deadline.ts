import type { RequestHandler } from "express";
import { timeBudgets, withDeadline } from "../../aws/time-budgets";

/**
 * Gives the rest of the request its time budget: however many DynamoDB, S3 and Secrets Manager calls a
 * route makes, together they end before the function's timeout, and the client gets a 503 instead of
 * API Gateway's bare timeout. Mounted after the body is read: the body parser's stream callbacks would
 * not carry the deadline on.
 */
export function requestDeadline(totalMs: number = timeBudgets.requests.totalMs): RequestHandler {
  return (_req, _res, next) => withDeadline(totalMs, next);
}
