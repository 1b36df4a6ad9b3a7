/**
 * The DynamoDB tables of the shop: the one source of truth for their keys, indexes and TTL attributes.
 *
 * Read by the app's local setup (`app/local/create-tables.ts`, CreateTable against DynamoDB Local), by
 * the repositories (index names) and by the Pulumi `DataTables` component (aws.dynamodb.Table). Keep this
 * module free of imports: the Lambda bundle, the local server and the Pulumi program all load it.
 */

export type AttributeType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndex {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Every index projects ALL attributes: each is read for whole items (order lists, the weekly report). */
  readonly projection: "ALL";
}

export interface TableDefinition {
  /** Logical name: the suffix of the physical table name and of the Pulumi resource name. */
  readonly name: string;
  /** Environment variable through which the app receives the physical table name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndex[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL deletes the item some time after it. */
  readonly ttlAttribute?: string;
}

export const tables = {
  /** One item per account, keyed by the lower-cased email, so uniqueness is a conditional put. */
  users: {
    name: "users",
    envVar: "USERS_TABLE",
    partitionKey: { name: "email", type: "S" },
    globalSecondaryIndexes: [],
  },
  products: {
    name: "products",
    envVar: "PRODUCTS_TABLE",
    partitionKey: { name: "productId", type: "S" },
    globalSecondaryIndexes: [
      {
        name: "byCategory",
        partitionKey: { name: "category", type: "S" },
        sortKey: { name: "productId", type: "S" },
        projection: "ALL",
      },
    ],
  },
  orders: {
    name: "orders",
    envVar: "ORDERS_TABLE",
    partitionKey: { name: "orderId", type: "S" },
    globalSecondaryIndexes: [
      {
        name: "byUser",
        partitionKey: { name: "userId", type: "S" },
        sortKey: { name: "createdAt", type: "S" },
        projection: "ALL",
      },
      {
        // The weekly report reads one ISO week's orders through this index, never a table Scan.
        name: "byWeek",
        partitionKey: { name: "week", type: "S" },
        sortKey: { name: "createdAt", type: "S" },
        projection: "ALL",
      },
    ],
  },
  /** A login session: the family of refresh tokens issued from one login. Revoking it ends them all. */
  sessions: {
    name: "sessions",
    envVar: "SESSIONS_TABLE",
    partitionKey: { name: "sessionId", type: "S" },
    globalSecondaryIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /** Refresh tokens by SHA-256 hash (the token itself is never stored); spent ones stay to detect reuse. */
  refreshTokens: {
    name: "refresh-tokens",
    envVar: "REFRESH_TOKENS_TABLE",
    partitionKey: { name: "tokenHash", type: "S" },
    globalSecondaryIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /**
   * Attempt counters of the login and registration throttles (app/services/login-throttle.ts): one item
   * per counter and fixed window, keyed `<kind>#<subject>#<window number>`, expiring with its window.
   */
  attemptCounters: {
    name: "attempt-counters",
    envVar: "ATTEMPT_COUNTERS_TABLE",
    partitionKey: { name: "counterKey", type: "S" },
    globalSecondaryIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /**
   * Per account, the instant of the last "log out everywhere": refresh and device tokens issued before it
   * are refused. The item expires once every token issued before it has expired anyway.
   */
  tokenRevocations: {
    name: "token-revocations",
    envVar: "TOKEN_REVOCATIONS_TABLE",
    partitionKey: { name: "userId", type: "S" },
    globalSecondaryIndexes: [],
    ttlAttribute: "expiresAt",
  },
  /** Results of `POST /orders` by `<userId>#<Idempotency-Key>`, written in the order's own transaction. */
  idempotencyKeys: {
    name: "idempotency-keys",
    envVar: "IDEMPOTENCY_TABLE",
    partitionKey: { name: "key", type: "S" },
    globalSecondaryIndexes: [],
    ttlAttribute: "expiresAt",
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof tables;

export const tableList: readonly TableDefinition[] = Object.values(tables);

/** The physical name of a table: `<prefix>-<logical name>`, e.g. `shop-dev-orders`. */
export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.name}`;
}

/**
 * The DynamoDB actions the API performs on each table: the Pulumi components grant exactly these, plus
 * `dynamodb:Query` on every index (the API queries only indexes, never a table), and a test records every call the app makes and checks it against this
 * list in both directions. Transactions need no action of their own: IAM checks each item's action.
 */
export const apiTableAccess: Readonly<Record<TableKey, readonly string[]>> = {
  // Promoting an admin (UpdateItem) is the operator's one-off bootstrap command, never the API's.
  users: ["dynamodb:GetItem", "dynamodb:PutItem"],
  products: [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Scan",
    "dynamodb:BatchGetItem",
  ],
  orders: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
  sessions: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"],
  refreshTokens: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
  // Counters are only ever raised and refunded, each with a conditional update; TTL deletes them.
  attemptCounters: ["dynamodb:UpdateItem"],
  tokenRevocations: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  idempotencyKeys: ["dynamodb:GetItem", "dynamodb:PutItem"],
};

/** The report job reads one index and nothing else. */
export const reportTableAccess = {
  table: "orders",
  index: "byWeek",
  actions: ["dynamodb:Query"],
} as const satisfies { table: TableKey; index: string; actions: readonly string[] };
