import type { Request, RequestHandler } from "express";
import type { Principal } from "../../domain/models";
import type { AuditSink } from "../../observability/logger";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * One audit line per state-changing request (every login attempt is a POST), written when the response
 * finishes so it records the outcome. Only the email is taken from the body: never a password or token.
 */
export function auditTrail(sink: AuditSink): RequestHandler {
  return (req, res, next) => {
    if (STATE_CHANGING.has(req.method)) {
      res.on("finish", () => {
        const principal = res.locals.principal as Principal | undefined;
        const bodyEmail = (req.body as { email?: unknown } | undefined)?.email;
        sink({
          userId: principal?.userId ?? (res.locals.auditUserId as string | undefined) ?? null,
          email: principal?.email ?? (typeof bodyEmail === "string" ? bodyEmail.slice(0, 254) : null),
          ip: req.ip ?? null,
          at: new Date().toISOString(),
          method: req.method,
          route: routeOf(req, res.locals.mountPath),
          status: res.statusCode,
          correlationId: String(res.locals.correlationId),
          ...(typeof res.locals.auditReason === "string" ? { reason: res.locals.auditReason } : {}),
        });
      });
    }
    next();
  };
}

/**
 * Records where a router is mounted. Express resets `req.baseUrl` when an error leaves the router, so
 * the audit line would otherwise lose the `/auth` of `/auth/login` on every failed login.
 */
export function rememberMountPath(mountPath: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.mountPath = mountPath;
    next();
  };
}

/** The route pattern (`/orders/:id/cancel`) when one matched, so ids do not fragment the audit trail. */
function routeOf(req: Request, mountPath: unknown): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== "string") return req.path.slice(0, 256);
  return `${typeof mountPath === "string" ? mountPath : ""}${pattern === "/" && mountPath ? "" : pattern}`;
}
