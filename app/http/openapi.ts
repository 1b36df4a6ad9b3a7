/**
 * OpenAPI 3.1, generated from the zod schemas in ./schemas (zod emits JSON Schema 2020-12, the dialect
 * OpenAPI 3.1 uses). Built once, on the first request for it. The examples live here, beside the
 * operations, rather than in the schemas: the schemas validate requests, and an example there would be
 * one more thing a validation change has to keep true (tests/app/openapi-document.test.ts checks them).
 */
import * as z from "zod";
import * as schemas from "./schemas";

type Json = Record<string, unknown>;

const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${z.globalRegistry.get(schema)?.id}` });

/** A JSON body of `schema`, with one realistic example (Swagger UI would otherwise invent one). */
const json = (schema: z.ZodType, example: unknown) => ({
  content: { "application/json": { schema: ref(schema), example } },
});

const correlationId = "9f0c4a52-3f1e-4d7b-8a65-2b1d0e7c4f13";

/** A problem document as the error handler sends it (app/http/problem.ts). */
function problemExample(status: number, slug: string, title: string, detail: string): Json {
  return { type: `urn:shop:problem:${slug}`, title, status, detail, correlationId };
}

const problem = (description: string, example: Json) => ({
  description,
  content: { "application/problem+json": { schema: ref(schemas.Problem), example } },
});

const examples = {
  customerId: "3b9f2c1e-7d4a-4e8b-9c61-5a2f0d8e1b47",
  adminId: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
  productId: "5e8f6a2b-1c3d-4e7f-9a0b-6c5d4e3f2a1b",
  secondProductId: "8a7b6c5d-4e3f-4a1b-9c0d-1e2f3a4b5c6d",
  orderId: "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a",
  // Token examples are shaped like the real ones but elided, so no scanner (or reader) takes them for a
  // credential: gitleaks and Trivy flag a complete JWT or a high-entropy value named like a token.
  accessToken: "eyJhbGciOiJIUzI1NiIsImtpZCI6Ij...<payload>.<signature>",
  refreshToken: "<opaque refresh token>",
  deviceToken: "eyJhbGciOiJIUzI1NiIsImtpZCI6Ij...<payload>.<signature>",
  cursor: "eyJraWQiOiIyMDI2LTExLTAxIiwiayI6IjVlOGYifQ.bWFj",
};

const user = {
  id: examples.customerId,
  email: "ada@example.com",
  name: "Ada Lovelace",
  role: "customer",
  createdAt: "2026-11-30T09:12:44.000Z",
};

const product = {
  id: examples.productId,
  name: "Espresso beans, 1 kg",
  description: "Single-origin arabica from Huila, medium roast",
  priceCents: 2450,
  stock: 120,
  category: "coffee",
  createdAt: "2026-11-28T14:03:10.000Z",
  updatedAt: "2026-11-28T14:03:10.000Z",
};

const order = {
  id: examples.orderId,
  userId: examples.customerId,
  items: [{ productId: examples.productId, name: product.name, quantity: 2, unitPriceCents: 2450 }],
  totalCents: 4900,
  status: "PLACED",
  createdAt: "2026-12-01T10:21:05.000Z",
};

const report = {
  week: "2026-W48",
  from: "2026-11-23T00:00:00.000Z",
  to: "2026-11-30T00:00:00.000Z",
  orderCount: 42,
  cancelledCount: 3,
  unitsSold: 77,
  revenueCents: 188650,
  topProducts: [
    { productId: examples.productId, name: product.name, quantity: 51, revenueCents: 124950 },
    { productId: examples.secondProductId, name: "Pour-over kettle", quantity: 26, revenueCents: 63700 },
  ],
  generatedAt: "2026-11-30T01:00:03.000Z",
  location: "s3://shop-prod-reports-4f1a2b/reports/weekly/2026-W48.json",
};

const tokenPair = {
  accessToken: examples.accessToken,
  refreshToken: examples.refreshToken,
  tokenType: "Bearer",
  expiresIn: 900,
};

/** The errors most operations share, each with the document the API sends. */
const errors = {
  invalid: problem(
    "The request does not match the schema: `errors` lists each field and what is wrong with it",
    {
      ...problemExample(400, "validation-error", "The request is not valid", "The request body is not valid"),
      errors: [{ path: "body.priceCents", message: "Too small: expected number to be >=0" }],
    },
  ),
  unauthenticated: problem(
    "No bearer token, or one that is expired, malformed or signed by an unknown key",
    problemExample(401, "unauthorized", "Authentication required", "An access token is required"),
  ),
  notAdmin: problem(
    "The caller is authenticated but not an admin",
    problemExample(403, "forbidden", "Not allowed", "This requires an administrator"),
  ),
  unavailable: problem(
    "A dependency is unavailable or slow; retry after the Retry-After header's seconds",
    problemExample(
      503,
      "database-unavailable",
      "Service temporarily unavailable",
      "The database is not answering; retry after the time in Retry-After",
    ),
  ),
  unexpected: problem(
    "Any other error, such as a 500: quote the correlationId when reporting it",
    problemExample(
      500,
      "internal-error",
      "Internal server error",
      "Something went wrong on our side; quote the correlation id when reporting it",
    ),
  ),
};

const notFound = (what: string, id: string) =>
  problem(
    `No ${what} with this id`,
    problemExample(404, "not-found", "Not found", `No ${what} with id ${id}`),
  );

/** Who may call an operation: everyone, any signed-in account, or admins only. */
type Access = "public" | "account" | "admin";

interface OperationSpec {
  readonly operationId: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description: string;
  readonly access: Access;
  readonly responses: Json;
  readonly requestBody?: Json;
  readonly parameters?: Json[];
}

/**
 * One operation. `operationId` names it for generated clients and for the links between operations;
 * `security` is stated on each one (`[]` when public), and the 401/403 that its access level implies, the
 * 400 of validation and the 503 of a slow dependency are documented on every operation that can send them.
 */
function operation(spec: OperationSpec): Json {
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: spec.access === "public" ? [] : [{ bearerAuth: [] }],
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: {
      ...(spec.access === "public" ? {} : { "401": errors.unauthenticated }),
      ...(spec.access === "admin" ? { "403": errors.notAdmin } : {}),
      ...spec.responses,
      "400": errors.invalid,
      "503": errors.unavailable,
      default: errors.unexpected,
    },
  };
}

const tags = [
  { name: "Service", description: "Liveness of the API" },
  { name: "Accounts", description: "Registration, login, token rotation and logout" },
  { name: "Products", description: "The catalogue: anyone may read it, admins change it" },
  { name: "Orders", description: "A customer's orders: placing, reading and cancelling them" },
  { name: "Reports", description: "Weekly sales reports, stored in S3 (admins only)" },
] as const;
type Tag = (typeof tags)[number]["name"];

const sameId = (operationId: string, description: string) => ({
  operationId,
  description,
  parameters: { "path.id": "$response.body#/id" },
});

const orderIt = (description: string) => ({
  operationId: "placeOrder",
  description,
  requestBody: { items: [{ productId: "$response.body#/id", quantity: 1 }] },
});

/**
 * OpenAPI links: which response values the next request can use, so a client (and Schemathesis's stateful
 * phase) can follow register -> log in -> create a product -> order it -> read the order -> cancel it.
 */
const links = {
  register: {
    logIn: {
      operationId: "login",
      description: "Log in to the account just created",
      requestBody: { email: "$response.body#/email", password: "$request.body#/password" },
    },
  },
  login: {
    refresh: {
      operationId: "refreshTokens",
      description: "Rotate the refresh token just issued",
      requestBody: { refreshToken: "$response.body#/refreshToken" },
    },
    logOut: {
      operationId: "logout",
      description: "End the session just opened",
      requestBody: { refreshToken: "$response.body#/refreshToken" },
    },
  },
  refreshTokens: {
    refreshAgain: {
      operationId: "refreshTokens",
      description: "Rotate the new refresh token (the old one is spent)",
      requestBody: { refreshToken: "$response.body#/refreshToken" },
    },
  },
  createProduct: {
    read: sameId("getProduct", "Read the product just created"),
    change: sameId("updateProduct", "Change the product just created"),
    remove: sameId("deleteProduct", "Delete the product just created"),
    order: orderIt("Order the product just created"),
  },
  product: { order: orderIt("Order this product") },
  placeOrder: {
    read: sameId("getOrder", "Read the order just placed"),
    cancel: sameId("cancelOrder", "Cancel the order just placed"),
  },
  getOrder: { cancel: sameId("cancelOrder", "Cancel this order") },
  cancelOrder: { read: sameId("getOrder", "Read the cancelled order") },
  generateWeeklyReport: {
    read: {
      operationId: "getWeeklyReport",
      description: "Read the report just written back from S3",
      parameters: { "path.week": "$response.body#/week" },
    },
  },
};

/** What each query parameter means, and an example value: zod's schema gives only the type. */
const queryDocs: Record<string, { description: string; example: unknown }> = {
  limit: { description: "How many items a page holds at most (1-100, default 20)", example: 20 },
  cursor: {
    description:
      "The nextCursor of the previous page, to read the next one; leave it out for the first page. A cursor " +
      "is signed and only valid with the same filters",
    example: examples.cursor,
  },
  category: { description: "Only products of this category (exact match)", example: "coffee" },
  userId: {
    description: "Admins only: the orders of this account instead of the caller's own",
    example: examples.customerId,
  },
};

function queryParameters(schema: z.ZodObject): Json[] {
  const jsonSchema = z.toJSONSchema(schema, { io: "input" }) as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(jsonSchema.properties).map(([name, property]) => {
    const docs = queryDocs[name];
    if (!docs) throw new Error(`query parameter ${name} has no description in queryDocs`);
    return {
      name,
      in: "query",
      description: docs.description,
      required: jsonSchema.required?.includes(name) ?? false,
      schema: property,
      example: docs.example,
    };
  });
}

const idParameter = (what: string, example: string) => ({
  name: "id",
  in: "path",
  description: `The ${what}'s id, as its creation returned it`,
  required: true,
  schema: { type: "string", format: "uuid" },
  example,
});

export function buildOpenApiDocument(): Json {
  const { schemas: components } = z.toJSONSchema(z.globalRegistry, {
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const component of Object.values(components)) delete component.$id;

  const body = (schema: z.ZodType, example: unknown) => ({ required: true, ...json(schema, example) });
  const idempotencyKeyParameter = {
    name: "Idempotency-Key",
    in: "header",
    description:
      "Makes a retry safe: the same key with the same request returns the first result instead of acting " +
      "twice; the same key with a different request is a 422. Keys are kept per account for 24 hours",
    required: false,
    schema: z.toJSONSchema(schemas.IdempotencyKey),
    example: "order-2026-12-01-7f3a9c",
  };
  const weekParameter = {
    name: "week",
    in: "path",
    description: "The ISO week of the report, such as 2026-W48 (weeks start on Monday, UTC)",
    required: true,
    schema: z.toJSONSchema(schemas.IsoWeek),
    example: "2026-W48",
  };
  const conflict = (description: string, slug: string, title: string, detail: string) =>
    problem(description, problemExample(409, slug, title, detail));
  const unprocessable = (description: string, detail: string) =>
    problem(description, problemExample(422, "unprocessable", "The request cannot be processed", detail));
  const tooMany = (description: string, detail: string) =>
    problem(description, problemExample(429, "too-many-requests", "Too many requests", detail));

  return {
    openapi: "3.1.0",
    info: {
      title: "Shop API",
      version: "1.0.0",
      description:
        "Products, orders, accounts and weekly sales reports. Errors are RFC 9457 problem documents. " +
        "Access tokens are checked without a database read, so one stays valid until it expires (expiresIn, " +
        "15 minutes by default) even after POST /auth/logout or /auth/logout-all: those revoke refresh and " +
        "device tokens at once, access tokens only by expiry. JSON bodies must be UTF-8 (any other charset is a 415).",
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
    },
    servers: [
      // Relative first, so Swagger UI at /docs tries requests against whichever host serves it.
      {
        url: "/",
        description: "The host serving this document: npm start's http://localhost:3000, or a deployed API",
      },
      {
        url: "https://{apiId}.execute-api.{region}.amazonaws.com",
        description: "A deployed stack: the apiUrl output of `pulumi stack output`",
        variables: {
          apiId: { default: "abc123defg", description: "The HTTP API's id" },
          region: { default: "eu-west-1", description: "The stack's aws:region" },
        },
      },
    ],
    tags,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The accessToken from POST /auth/login or /auth/refresh, valid for expiresIn seconds",
        },
      },
    },
    paths: {
      "/health": {
        get: operation({
          operationId: "health",
          tag: "Service",
          summary: "Liveness",
          description:
            "Answers without touching any dependency, so it says the function runs, not that the data is reachable.",
          access: "public",
          responses: { "200": { description: "Up", ...json(schemas.Health, { status: "ok" }) } },
        }),
      },
      "/auth/register": {
        post: operation({
          operationId: "register",
          tag: "Accounts",
          summary: "Create a customer account",
          description:
            "Creates a customer account; admins are never created here. The email is matched without regard " +
            "to case. Registrations are limited per client address.",
          access: "public",
          requestBody: body(schemas.RegisterRequest, {
            email: "ada@example.com",
            password: "correct horse battery",
            name: "Ada Lovelace",
          }),
          responses: {
            "201": { description: "Created", ...json(schemas.User, user), links: links.register },
            "409": conflict(
              "An account with this email exists",
              "conflict",
              "Conflict",
              "An account with this email already exists",
            ),
            "429": tooMany(
              "Too many registrations from this address; wait the Retry-After header's seconds",
              "Too many registrations from your address; try again later",
            ),
          },
        }),
      },
      "/auth/login": {
        post: operation({
          operationId: "login",
          tag: "Accounts",
          summary: "Log in",
          description:
            "Every attempt is counted before the password is checked. Without a device token it is judged by " +
            "the counters of this address and of this account. With a valid device token (from an earlier " +
            "login of this account on this client) it is judged by that device's counter alone, so failed " +
            "logins by others cannot lock this client out.",
          access: "public",
          requestBody: body(schemas.LoginRequest, {
            email: "ada@example.com",
            password: "correct horse battery",
            deviceToken: examples.deviceToken,
          }),
          responses: {
            "200": {
              description: "Tokens, and a device token for the next login",
              ...json(schemas.LoginResponse, { ...tokenPair, deviceToken: examples.deviceToken }),
              links: links.login,
            },
            "401": problem(
              "Wrong email or password",
              problemExample(
                401,
                "unauthorized",
                "Authentication required",
                "The email or password is incorrect",
              ),
            ),
            "429": tooMany(
              "Too many failed attempts from this address, for this account from this address, for this account " +
                "from devices without a device token, or from this device; wait the Retry-After header's seconds",
              "Too many failed logins from your address; try again later",
            ),
          },
        }),
      },
      "/auth/refresh": {
        post: operation({
          operationId: "refreshTokens",
          tag: "Accounts",
          summary: "Rotate a refresh token",
          description:
            "Exchanges a refresh token for a new pair. Each refresh token works once: presenting a spent one " +
            "revokes the whole login, as a stolen copy would be.",
          access: "public",
          requestBody: body(schemas.RefreshTokenRequest, { refreshToken: examples.refreshToken }),
          responses: {
            "200": {
              description: "New tokens",
              ...json(schemas.TokenPair, tokenPair),
              links: links.refreshTokens,
            },
            "401": problem(
              "Invalid, spent or revoked",
              problemExample(
                401,
                "unauthorized",
                "Authentication required",
                "The refresh token is invalid, expired or revoked",
              ),
            ),
          },
        }),
      },
      "/auth/logout": {
        post: operation({
          operationId: "logout",
          tag: "Accounts",
          summary: "Revoke a session",
          description:
            "Revokes this login's refresh tokens. Access tokens already issued stay valid until they expire.",
          access: "public",
          requestBody: body(schemas.RefreshTokenRequest, { refreshToken: examples.refreshToken }),
          responses: { "204": { description: "Revoked (also when it already was)" } },
        }),
      },
      "/auth/logout-all": {
        post: operation({
          operationId: "logoutEverywhere",
          tag: "Accounts",
          summary: "Log out everywhere",
          description:
            "Revokes every refresh token and every device token of the caller's account issued until now. " +
            "Access tokens already issued, this one included, stay valid until they expire (expiresIn).",
          access: "account",
          responses: { "204": { description: "Revoked" } },
        }),
      },
      "/auth/me": {
        get: operation({
          operationId: "me",
          tag: "Accounts",
          summary: "The caller's account",
          description: "The account the bearer token was issued to, as the token describes it.",
          access: "account",
          responses: {
            "200": {
              description: "Account",
              ...json(schemas.Me, { id: user.id, email: user.email, name: user.name, role: user.role }),
            },
          },
        }),
      },
      "/products": {
        get: operation({
          operationId: "listProducts",
          tag: "Products",
          summary: "List products",
          description:
            "One page of the catalogue. Order: with `category`, by product id within that category (the " +
            "category index's sort key); without it, in the products table's key order, which is stable " +
            "(the same products come back in the same order) but follows a hash of the id, not the name or " +
            "the creation time. Follow nextCursor until it is null to read every product exactly once.",
          access: "public",
          parameters: queryParameters(schemas.ListProductsQuery),
          responses: {
            "200": {
              description: "A page; nextCursor is null on the last one",
              ...json(schemas.ProductPage, { items: [product], nextCursor: examples.cursor }),
            },
          },
        }),
        post: operation({
          operationId: "createProduct",
          tag: "Products",
          summary: "Create a product (admin)",
          description: "Adds a product to the catalogue; the id and timestamps are assigned by the API.",
          access: "admin",
          requestBody: body(schemas.CreateProductRequest, {
            name: product.name,
            description: product.description,
            priceCents: product.priceCents,
            stock: product.stock,
            category: product.category,
          }),
          responses: {
            "201": { description: "Created", ...json(schemas.Product, product), links: links.createProduct },
          },
        }),
      },
      "/products/{id}": {
        parameters: [idParameter("product", examples.productId)],
        get: operation({
          operationId: "getProduct",
          tag: "Products",
          summary: "Get a product",
          description: "One product, read consistently (a change just made is visible).",
          access: "public",
          responses: {
            "200": { description: "The product", ...json(schemas.Product, product), links: links.product },
            "404": notFound("product", examples.productId),
          },
        }),
        patch: operation({
          operationId: "updateProduct",
          tag: "Products",
          summary: "Change a product (admin)",
          description: "Changes the fields given and leaves the others; at least one field is required.",
          access: "admin",
          requestBody: body(schemas.UpdateProductRequest, { priceCents: 2290, stock: 95 }),
          responses: {
            "200": {
              description: "Updated",
              ...json(schemas.Product, {
                ...product,
                priceCents: 2290,
                stock: 95,
                updatedAt: "2026-12-01T08:00:00.000Z",
              }),
              links: links.product,
            },
            "404": notFound("product", examples.productId),
          },
        }),
        delete: operation({
          operationId: "deleteProduct",
          tag: "Products",
          summary: "Delete a product (admin)",
          description:
            "Removes the product from the catalogue; orders already placed keep its name and price.",
          access: "admin",
          responses: { "204": { description: "Deleted" }, "404": notFound("product", examples.productId) },
        }),
      },
      "/orders": {
        get: operation({
          operationId: "listOrders",
          tag: "Orders",
          summary: "The caller's orders, newest first",
          description:
            "One page of the caller's orders (or, for an admin with userId, that account's), newest first.",
          access: "account",
          parameters: queryParameters(schemas.ListOrdersQuery),
          responses: {
            "200": {
              description: "A page; nextCursor is null on the last one",
              ...json(schemas.OrderPage, { items: [order], nextCursor: null }),
            },
            "403": problem(
              "userId given by a customer",
              problemExample(
                403,
                "forbidden",
                "Not allowed",
                "Only administrators may list another user's orders",
              ),
            ),
          },
        }),
        post: operation({
          operationId: "placeOrder",
          tag: "Orders",
          summary: "Place an order",
          description:
            "Reserves the stock of every line and records the order in one transaction: either the whole " +
            "order is placed or nothing changes. Prices are the products' current ones.",
          access: "account",
          parameters: [idempotencyKeyParameter],
          requestBody: body(schemas.CreateOrderRequest, {
            items: [{ productId: examples.productId, quantity: 2 }],
          }),
          responses: {
            "201": { description: "Placed", ...json(schemas.Order, order), links: links.placeOrder },
            "409": conflict(
              "Not enough stock for a line",
              "insufficient-stock",
              "Insufficient stock",
              `Not enough stock for product(s): ${examples.productId}`,
            ),
            "422": unprocessable(
              "Unknown product or reused Idempotency-Key",
              `Unknown product(s): ${examples.secondProductId}`,
            ),
          },
        }),
      },
      "/orders/{id}": {
        parameters: [idParameter("order", examples.orderId)],
        get: operation({
          operationId: "getOrder",
          tag: "Orders",
          summary: "Get an order",
          description:
            "One of the caller's orders; another account's order is a 404, not a 403, so ids do not leak.",
          access: "account",
          responses: {
            "200": { description: "The order", ...json(schemas.Order, order), links: links.getOrder },
            "404": notFound("order", examples.orderId),
          },
        }),
      },
      "/orders/{id}/cancel": {
        parameters: [idParameter("order", examples.orderId)],
        post: operation({
          operationId: "cancelOrder",
          tag: "Orders",
          summary: "Cancel an order",
          description: "Cancels one of the caller's placed orders and returns its stock to the catalogue.",
          access: "account",
          parameters: [idempotencyKeyParameter],
          responses: {
            "200": {
              description: "Cancelled (or replayed for a repeated Idempotency-Key)",
              ...json(schemas.Order, {
                ...order,
                status: "CANCELLED",
                cancelledAt: "2026-12-01T10:40:00.000Z",
              }),
              links: links.cancelOrder,
            },
            "409": conflict("Already cancelled", "conflict", "Conflict", "The order is already cancelled"),
            "404": notFound("order", examples.orderId),
            "422": unprocessable(
              "Idempotency-Key already used with a different request",
              "This Idempotency-Key was already used with a different request body",
            ),
          },
        }),
      },
      "/admin/reports/weekly": {
        post: operation({
          operationId: "generateWeeklyReport",
          tag: "Reports",
          summary: "Generate a weekly report (admin)",
          description:
            "Sums up one ISO week's orders (the current week when no week is given), writes the report to " +
            "the reports bucket as reports/weekly/<week>.json, replacing an earlier one, and returns it.",
          access: "admin",
          requestBody: { required: false, ...json(schemas.WeeklyReportRequest, { week: "2026-W48" }) },
          responses: {
            "200": {
              description: "The report",
              ...json(schemas.WeeklyReport, report),
              links: links.generateWeeklyReport,
            },
          },
        }),
      },
      "/admin/reports/weekly/{week}": {
        parameters: [weekParameter],
        get: operation({
          operationId: "getWeeklyReport",
          tag: "Reports",
          summary: "Read a stored weekly report (admin)",
          description:
            "The report stored for this week, by the weekly job or by POST /admin/reports/weekly, as it was written.",
          access: "admin",
          responses: {
            "200": { description: "The stored report", ...json(schemas.WeeklyReport, report) },
            "404": problem(
              "No report is stored for this week",
              problemExample(404, "not-found", "Not found", "No report is stored for 2026-W48"),
            ),
          },
        }),
      },
    },
  };
}
