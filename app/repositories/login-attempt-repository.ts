import { commands, isConditionalCheckFailure, type DocumentClientProvider } from "./dynamo";
import { normalizeEmail } from "./user-repository";

export interface FailureWindow {
  readonly failures: number;
  /** Epoch milliseconds at which the window opened. */
  readonly windowStart: number;
}

/**
 * Failed-login counters in DynamoDB, so every Lambda instance sees the same count. One fixed window per
 * email; TTL removes stale windows (and the code ignores expired ones, since TTL deletion lags).
 */
export class LoginAttemptRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly tableName: string,
  ) {}

  async get(email: string): Promise<FailureWindow | undefined> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { email: normalizeEmail(email) },
        ConsistentRead: true,
      }),
    );
    return item ? { failures: Number(item.failures), windowStart: Number(item.windowStart) } : undefined;
  }

  /** Counts one failure in the current window, or opens a new window if the last one has ended. */
  async recordFailure(email: string, now: number, windowMs: number): Promise<void> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    const key = { email: normalizeEmail(email) };
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: "ADD failures :one",
          ConditionExpression: "windowStart > :windowOpenedAfter",
          ExpressionAttributeValues: { ":one": 1, ":windowOpenedAfter": now - windowMs },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: "SET failures = :one, windowStart = :now, expiresAt = :expiresAt",
          ExpressionAttributeValues: {
            ":one": 1,
            ":now": now,
            ":expiresAt": Math.ceil((now + windowMs) / 1000),
          },
        }),
      );
    }
  }

  async clear(email: string): Promise<void> {
    const [db, { DeleteCommand }] = await Promise.all([this.db(), commands()]);
    await db.send(new DeleteCommand({ TableName: this.tableName, Key: { email: normalizeEmail(email) } }));
  }
}
