import { Router } from "express";
import type { AuthService } from "../../services/auth-service";
import type { TokenService } from "../../services/token-service";
import { authenticate, principalOf } from "../middleware/authenticate";
import { LoginRequest, RefreshTokenRequest, RegisterRequest } from "../schemas";
import { validate } from "../validate";

export function authRoutes(auth: AuthService, tokens: TokenService): Router {
  const router = Router();

  router.post("/register", async (req, res) => {
    const user = await auth.register(validate(RegisterRequest, req.body, "body"));
    res.locals.auditUserId = user.id;
    res.status(201).json(user);
  });

  router.post("/login", async (req, res) => {
    const { pair, principal } = await auth.login(validate(LoginRequest, req.body, "body"));
    res.locals.auditUserId = principal.userId;
    res.setHeader("Cache-Control", "no-store");
    res.json(pair);
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

  router.get("/me", authenticate(tokens), async (_req, res) => {
    res.json(await auth.me(principalOf(res)));
  });

  return router;
}
