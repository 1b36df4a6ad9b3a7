import { Router, type Request, type Response } from "express";
import type { AuthService } from "../../services/auth-service";
import { sourceKey, ThrottledError } from "../../services/login-throttle";
import type { TokenService } from "../../services/token-service";
import { authenticate, principalOf } from "../middleware/authenticate";
import { LoginRequest, RefreshTokenRequest, RegisterRequest } from "../schemas";
import { validate } from "../validate";

/**
 * The address the throttles count: the TCP peer. On Lambda, serverless-http puts API Gateway's
 * `requestContext.http.sourceIp` there; locally it is the socket's. Never X-Forwarded-For or any other
 * header: the client writes those, so an attacker would pick a fresh "source" for every guess.
 */
function sourceOf(req: Request): string {
  return sourceKey(req.socket.remoteAddress);
}

/** Puts the reason of a throttle refusal on the audit line (the lockout is recorded, not the password). */
async function audited<T>(res: Response, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ThrottledError) res.locals.auditReason = error.reason;
    throw error;
  }
}

export function authRoutes(auth: AuthService, tokens: TokenService): Router {
  const router = Router();

  router.post("/register", async (req, res) => {
    const input = validate(RegisterRequest, req.body, "body");
    const user = await audited(res, auth.register(input, sourceOf(req)));
    res.locals.auditUserId = user.id;
    res.status(201).json(user);
  });

  router.post("/login", async (req, res) => {
    const input = validate(LoginRequest, req.body, "body");
    const { result, principal } = await audited(res, auth.login(input, sourceOf(req)));
    res.locals.auditUserId = principal.userId;
    res.setHeader("Cache-Control", "no-store");
    res.json(result);
  });

  router.post("/refresh", async (req, res) => {
    const { refreshToken } = validate(RefreshTokenRequest, req.body, "body");
    res.setHeader("Cache-Control", "no-store");
    res.json(await auth.refresh(refreshToken));
  });

  router.post("/logout", async (req, res) => {
    const { refreshToken } = validate(RefreshTokenRequest, req.body, "body");
    await auth.logout(refreshToken);
    res.status(204).end();
  });

  router.post("/logout-all", authenticate(tokens), async (_req, res) => {
    await auth.logoutEverywhere(principalOf(res));
    res.status(204).end();
  });

  router.get("/me", authenticate(tokens), async (_req, res) => {
    res.json(await auth.me(principalOf(res)));
  });

  return router;
}
