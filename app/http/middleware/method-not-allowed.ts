import type { RequestHandler } from "express";
import { MethodNotAllowedError } from "../../domain/errors";

interface PathMethods {
  readonly pattern: RegExp;
  readonly allow: string;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Each path of the OpenAPI document as a matcher (`{id}` is one path segment) with its methods. */
function pathMethodsOf(document: { paths: Record<string, Record<string, unknown>> }): PathMethods[] {
  return Object.entries(document.paths).map(([template, item]) => {
    const methods = Object.keys(item).filter((key) => HTTP_METHODS.includes(key));
    // Express answers HEAD with the GET route, so HEAD is allowed wherever GET is.
    if (methods.includes("get") && !methods.includes("head")) methods.splice(1, 0, "head");
    const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}/]+\}/g, "[^/]+");
    return { pattern: new RegExp(`^${source}$`), allow: methods.map((m) => m.toUpperCase()).join(", ") };
  });
}

/**
 * A request no route answered, for a path the API serves with other methods: 405 with an Allow header
 * naming them (RFC 9110 section 15.5.6) rather than a 404 that says the resource does not exist. The paths
 * and methods are the OpenAPI document's, so the two cannot disagree; it loads on the first miss only.
 */
export function methodNotAllowed(): RequestHandler {
  let table: Promise<PathMethods[]> | undefined;
  return (req, res, next) => {
    table ??= import("../openapi").then(({ buildOpenApiDocument }) =>
      pathMethodsOf(buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> }),
    );
    table
      .then((paths) => {
        const match = paths.find(({ pattern }) => pattern.test(req.path));
        if (!match) return next();
        res.setHeader("Allow", match.allow);
        next(new MethodNotAllowedError(`${req.method} is not allowed on ${req.path.slice(0, 256)}`));
      })
      .catch(next);
  };
}
