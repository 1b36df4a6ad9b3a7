import type { RequestHandler, Response } from "express";
import { ForbiddenError, UnauthorizedError } from "../../domain/errors";
import type { Principal } from "../../domain/models";
import type { TokenService } from "../../services/token-service";

/** The caller, once `authenticate` has verified the access token. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthorizedError("An access token is required");
  return principal;
}

export function authenticate(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === "string" ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError("An access token is required");
    res.locals.principal = await tokens.verifyAccessToken(match[1]);
    next();
  };
}

export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    if (principalOf(res).role !== "admin") throw new ForbiddenError("This requires an administrator");
    next();
  };
}
