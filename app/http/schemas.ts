/**
 * The API's request and response schemas: the same zod objects validate requests and generate the
 * OpenAPI document (`/openapi.json`), so the two cannot drift apart. Request bodies are strict: an
 * unknown field is a 400, never silently ignored.
 */
import * as z from "zod";
import { isoWeekPattern, parseIsoWeek } from "../domain/iso-week";

const id = z.uuid({ version: "v4" });
// RFC 5321 limits the part before the "@" to 64 characters; the document's `format: email` says so too,
// and a longer one would be accepted here but refused by a mail server (found by Schemathesis).
const email = z
  .email()
  .max(254)
  .refine((address) => address.lastIndexOf("@") <= 64, "the part before @ must be at most 64 characters");
const timestamp = z.iso.datetime();
/**
 * A name: trimmed, and not blank. The pattern says so in the OpenAPI document too (`minLength` alone
 * counts the spaces that trimming removes, so a client could send "  " by the schema and get a 400;
 * found by Schemathesis).
 */
const nonBlankName = (max: number) => z.string().regex(/\S/, "must not be blank").trim().max(max);
const cents = z.number().int().min(0).max(1_000_000_000);

export const RegisterRequest = z
  .strictObject({
    email,
    password: z.string().min(10).max(128),
    name: nonBlankName(100),
  })
  .meta({ id: "RegisterRequest" });

const deviceToken = z.string().min(1).max(2048).meta({
  description:
    "The device token a previous login from this client returned. With a valid one, failed logins of strangers for this account do not lock this client out",
});

export const LoginRequest = z
  .strictObject({
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(128),
    deviceToken: deviceToken.optional(),
  })
  .meta({ id: "LoginRequest" });

export const RefreshTokenRequest = z
  .strictObject({ refreshToken: z.string().min(1).max(512) })
  .meta({ id: "RefreshTokenRequest" });

export const User = z
  .object({ id, email, name: z.string(), role: z.enum(["customer", "admin"]), createdAt: timestamp })
  .meta({ id: "User" });

export const Me = User.omit({ createdAt: true }).meta({ id: "Me" });

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().meta({ description: "Lifetime of the access token in seconds" }),
  })
  .meta({ id: "TokenPair" });

export const LoginResponse = TokenPair.extend({
  deviceToken: deviceToken.meta({
    description:
      "Keep it on this client and send it with every later login: it is bound to this account, expires, and is revoked by a password change and by POST /auth/logout-all",
  }),
}).meta({ id: "LoginResponse" });

const productFields = {
  name: nonBlankName(200),
  description: z.string().max(2000),
  priceCents: cents,
  stock: z.number().int().min(0).max(1_000_000),
  category: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, "letters, digits, spaces, '_' and '-' only"),
};

export const CreateProductRequest = z
  .strictObject({ ...productFields, description: productFields.description.optional() })
  .meta({ id: "CreateProductRequest" });

export const UpdateProductRequest = z
  .strictObject({
    name: productFields.name.optional(),
    description: productFields.description.optional(),
    priceCents: productFields.priceCents.optional(),
    stock: productFields.stock.optional(),
    category: productFields.category.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: "at least one field must be given",
  })
  // The refine above has no JSON Schema form; minProperties says the same in the OpenAPI document.
  .meta({ id: "UpdateProductRequest", minProperties: 1 });

export const Product = z
  .object({ id, ...productFields, createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: "Product" });

const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().min(1).max(2048).optional();

export const ListProductsQuery = z.object({ limit, cursor, category: productFields.category.optional() });
export const ListOrdersQuery = z.object({ limit, cursor, userId: id.optional() });

export const CreateOrderRequest = z
  .strictObject({
    items: z
      .array(z.strictObject({ productId: id, quantity: z.number().int().min(1).max(100) }))
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, {
        message: "each product may appear only once",
      }),
  })
  .meta({ id: "CreateOrderRequest" });

export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "1-255 visible ASCII characters")
  .meta({ description: "Makes a retry of POST /orders safe: the same key and body return the first result" });

export const Order = z
  .object({
    id,
    userId: id,
    items: z.array(
      z.object({ productId: id, name: z.string(), quantity: z.number().int(), unitPriceCents: cents }),
    ),
    totalCents: z.number().int(),
    status: z.enum(["PLACED", "CANCELLED"]),
    createdAt: timestamp,
    cancelledAt: timestamp.optional(),
  })
  .meta({ id: "Order" });

/** An ISO week such as 2026-W07: the body of POST /admin/reports/weekly and the path of its GET. */
export const IsoWeek = z
  .string()
  .regex(isoWeekPattern(2000, 2099), "must be an ISO week of 2000-2099 such as 2026-W07")
  .refine((week) => parseIsoWeek(week) !== undefined, "must be an ISO week such as 2026-W07")
  .meta({ description: "An ISO 8601 week of 2000-2099, such as 2026-W07" });

export const WeeklyReportRequest = z
  .strictObject({ week: IsoWeek.optional() })
  .meta({ id: "WeeklyReportRequest" });

export const WeeklyReport = z
  .object({
    week: z.string(),
    from: timestamp,
    to: timestamp,
    orderCount: z.number().int(),
    cancelledCount: z.number().int(),
    unitsSold: z.number().int(),
    revenueCents: z.number().int(),
    topProducts: z.array(
      z.object({
        productId: id,
        name: z.string(),
        quantity: z.number().int(),
        revenueCents: z.number().int(),
      }),
    ),
    generatedAt: timestamp,
    location: z.string().meta({ description: "S3 URI of the stored report" }),
  })
  .meta({ id: "WeeklyReport" });

export const Health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    correlationId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id: name });

export const ProductPage = pageOf(Product, "ProductPage");
export const OrderPage = pageOf(Order, "OrderPage");
