/**
 * OpenAPI 3.1, generated from the zod schemas in ./schemas (zod emits JSON Schema 2020-12, the dialect
 * OpenAPI 3.1 uses). Built once, on the first request for it.
 */
import * as z from "zod";
import * as schemas from "./schemas";

type Json = Record<string, unknown>;

const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${z.globalRegistry.get(schema)?.id}` });
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema: ref(schema) } } });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref(schemas.Problem) } },
});

const bearer = [{ bearerAuth: [] }];

function queryParameters(schema: z.ZodObject): Json[] {
  const jsonSchema = z.toJSONSchema(schema, { io: "input" }) as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(jsonSchema.properties).map(([name, property]) => ({
    name,
    in: "query",
    required: jsonSchema.required?.includes(name) ?? false,
    schema: property,
  }));
}

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

/**
 * One operation. `operationId` names it for the links between operations; an operation with `security`
 * also documents the 401 its authentication answers.
 */
function operation(operationId: string, summary: string, responses: Json, extra: Json = {}): Json {
  return {
    operationId,
    summary,
    ...extra,
    responses: {
      ...("security" in extra ? { "401": problem("Not authenticated") } : {}),
      ...responses,
      "400": problem("Invalid request"),
      "503": problem("A dependency is unavailable or slow; retry after the Retry-After header's seconds"),
      default: problem("Error"),
    },
  };
}

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
};

export function buildOpenApiDocument(): Json {
  const { schemas: components } = z.toJSONSchema(z.globalRegistry, {
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const component of Object.values(components)) delete component.$id;

  const body = (schema: z.ZodType) => ({ requestBody: { required: true, ...json(schema) } });
  const authed = (extra: Json = {}) => ({ security: bearer, ...extra });
  const idempotencyKeyParameter = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    schema: z.toJSONSchema(schemas.IdempotencyKey),
  };

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
    },
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    paths: {
      "/health": { get: operation("health", "Liveness", { "200": { description: "Up" } }) },
      "/auth/register": {
        post: operation(
          "register",
          "Create a customer account",
          {
            "201": { description: "Created", ...json(schemas.User), links: links.register },
            "409": problem("Email taken"),
            "429": problem("Too many registrations from this address; wait the Retry-After header's seconds"),
          },
          body(schemas.RegisterRequest),
        ),
      },
      "/auth/login": {
        post: operation(
          "login",
          "Log in",
          {
            "200": {
              description: "Tokens, and a device token for the next login",
              ...json(schemas.LoginResponse),
              links: links.login,
            },
            "401": problem("Wrong credentials"),
            "429": problem(
              "Too many failed attempts from this address, for this account from this address, for this account " +
                "from devices without a device token, or from this device; wait the Retry-After header's seconds",
            ),
          },
          {
            description:
              "Every attempt is counted before the password is checked. Without a device token it is judged by " +
              "the counters of this address and of this account. With a valid device token (from an earlier " +
              "login of this account on this client) it is judged by that device's counter alone, so failed " +
              "logins by others cannot lock this client out.",
            ...body(schemas.LoginRequest),
          },
        ),
      },
      "/auth/refresh": {
        post: operation(
          "refreshTokens",
          "Rotate a refresh token",
          {
            "200": { description: "New tokens", ...json(schemas.TokenPair), links: links.refreshTokens },
            "401": problem("Invalid, spent or revoked"),
          },
          body(schemas.RefreshTokenRequest),
        ),
      },
      "/auth/logout": {
        post: operation(
          "logout",
          "Revoke a session",
          { "204": { description: "Revoked" } },
          {
            description:
              "Revokes this login's refresh tokens. Access tokens already issued stay valid until they expire.",
            ...body(schemas.RefreshTokenRequest),
          },
        ),
      },
      "/auth/logout-all": {
        post: operation(
          "logoutEverywhere",
          "Log out everywhere",
          { "204": { description: "Revoked" }, "401": problem("Not authenticated") },
          authed({
            description:
              "Revokes every refresh token and every device token of the caller's account issued until now. " +
              "Access tokens already issued, this one included, stay valid until they expire (expiresIn).",
          }),
        ),
      },
      "/auth/me": {
        get: operation(
          "me",
          "The caller's account",
          { "200": { description: "Account", ...json(schemas.Me) }, "401": problem("Not authenticated") },
          authed(),
        ),
      },
      "/products": {
        get: operation(
          "listProducts",
          "List products",
          { "200": { description: "A page", ...json(schemas.ProductPage) } },
          { parameters: queryParameters(schemas.ListProductsQuery) },
        ),
        post: operation(
          "createProduct",
          "Create a product (admin)",
          {
            "201": { description: "Created", ...json(schemas.Product), links: links.createProduct },
            "401": problem("Not authenticated"),
            "403": problem("Not an admin"),
          },
          authed(body(schemas.CreateProductRequest)),
        ),
      },
      "/products/{id}": {
        parameters: [idParameter],
        get: operation("getProduct", "Get a product", {
          "200": { description: "The product", ...json(schemas.Product), links: links.product },
          "404": problem("No such product"),
        }),
        patch: operation(
          "updateProduct",
          "Change a product (admin)",
          {
            "200": { description: "Updated", ...json(schemas.Product), links: links.product },
            "403": problem("Not an admin"),
            "404": problem("No such product"),
          },
          authed(body(schemas.UpdateProductRequest)),
        ),
        delete: operation(
          "deleteProduct",
          "Delete a product (admin)",
          {
            "204": { description: "Deleted" },
            "403": problem("Not an admin"),
            "404": problem("No such product"),
          },
          authed(),
        ),
      },
      "/orders": {
        get: operation(
          "listOrders",
          "The caller's orders, newest first",
          { "200": { description: "A page", ...json(schemas.OrderPage) } },
          authed({ parameters: queryParameters(schemas.ListOrdersQuery) }),
        ),
        post: operation(
          "placeOrder",
          "Place an order",
          {
            "201": { description: "Placed", ...json(schemas.Order), links: links.placeOrder },
            "409": problem("Insufficient stock"),
            "422": problem("Unknown product or reused Idempotency-Key"),
          },
          authed({
            ...body(schemas.CreateOrderRequest),
            parameters: [idempotencyKeyParameter],
          }),
        ),
      },
      "/orders/{id}": {
        parameters: [idParameter],
        get: operation(
          "getOrder",
          "Get an order",
          {
            "200": { description: "The order", ...json(schemas.Order), links: links.getOrder },
            "404": problem("No such order"),
          },
          authed(),
        ),
      },
      "/orders/{id}/cancel": {
        parameters: [idParameter],
        post: operation(
          "cancelOrder",
          "Cancel an order",
          {
            "200": {
              description: "Cancelled (or replayed for a repeated Idempotency-Key)",
              ...json(schemas.Order),
              links: links.cancelOrder,
            },
            "409": problem("Already cancelled"),
            "404": problem("No such order"),
            "422": problem("Idempotency-Key already used with a different request"),
          },
          authed({ parameters: [idempotencyKeyParameter] }),
        ),
      },
      "/admin/reports/weekly": {
        post: operation(
          "generateWeeklyReport",
          "Generate a weekly report (admin)",
          {
            "200": { description: "The report", ...json(schemas.WeeklyReport) },
            "403": problem("Not an admin"),
          },
          authed({ requestBody: { required: false, ...json(schemas.WeeklyReportRequest) } }),
        ),
      },
    },
  };
}
