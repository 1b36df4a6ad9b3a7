// Rule test for shop-express-app-without-helmet (.semgrep.yml), in Semgrep's test-file format.
import express from "express";
import helmet from "helmet";

export function appWithoutSecurityHeaders(): express.Express {
  // ruleid: shop-express-app-without-helmet
  const app = express();
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  return app;
}

export function appWithSecurityHeaders(): express.Express {
  // ok: shop-express-app-without-helmet
  const app = express();
  app.disable("x-powered-by");
  app.use(helmet());
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  return app;
}
