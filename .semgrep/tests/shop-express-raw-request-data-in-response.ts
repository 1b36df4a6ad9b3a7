// Rule test for shop-express-raw-request-data-in-response (.semgrep.yml), in Semgrep's test-file format.
import express from "express";
import helmet from "helmet";

export const app = express();
app.use(helmet());

app.get("/greeting", (req, res) => {
  // ruleid: shop-express-raw-request-data-in-response
  res.send(`<p>Hello ${req.query.name}</p>`);
});

app.get("/agent", (req, res) => {
  // ruleid: shop-express-raw-request-data-in-response
  res.status(400).send(req.get("user-agent"));
});

app.get("/products/:productId", (req, res) => {
  // ok: shop-express-raw-request-data-in-response
  res.json({ productId: req.params.productId });
});

app.get("/encoded-greeting", (req, res) => {
  // ok: shop-express-raw-request-data-in-response
  res.send(`<p>Hello ${encodeURIComponent(String(req.query.name))}</p>`);
});

declare const documents: { send(command: unknown): Promise<{ Item?: unknown }> };
app.get("/items/:id", async (req, res) => {
  // ok: shop-express-raw-request-data-in-response
  const { Item } = await documents.send({ Key: { id: req.params.id } });
  res.json(Item);
});

app.get("/echo/:id", (req, res) => {
  const reply = res.status(200);
  // ruleid: shop-express-raw-request-data-in-response
  reply.send(req.params.id);
});
