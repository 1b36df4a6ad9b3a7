import path from "node:path";
import { Router } from "express";

/** The Swagger UI files served under /docs; nothing else in that folder is reachable. */
const SWAGGER_ASSETS = [
  "swagger-ui.css",
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "favicon-32x32.png",
];

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Shop API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>`;

// A separate file rather than an inline script, so helmet's default Content-Security-Policy can stay on.
const INITIALIZER = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });`;

export function operationRoutes(swaggerUiDir: string): Router {
  const router = Router();
  let openApi: string | undefined;

  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  // The document, and the schemas it is generated from, load on the first request for it.
  router.get("/openapi.json", async (_req, res) => {
    openApi ??= JSON.stringify((await import("../openapi")).buildOpenApiDocument());
    res.type("application/json").send(openApi);
  });

  router.get("/docs", (_req, res) => {
    res.type("html").send(DOCS_PAGE);
  });

  router.get("/docs/swagger-initializer.js", (_req, res) => {
    res.type("application/javascript").send(INITIALIZER);
  });

  for (const asset of SWAGGER_ASSETS) {
    router.get(`/docs/${asset}`, (_req, res, next) => {
      res.sendFile(path.join(swaggerUiDir, asset), { maxAge: "1d" }, (error) => error && next(error));
    });
  }

  return router;
}
