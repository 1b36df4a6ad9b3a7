import { commands, isConditionalCheckFailure, type DocumentClientProvider } from "./dynamo";

/**
 * Attempt counters in DynamoDB, so every Lambda instance sees the same counts. Each item is one counter
 * in one fixed window (the caller puts the window's number in the key) and carries its TTL, so nothing
 * ever resets a window: a new window is a new item, and DynamoDB deletes old ones.
 */
export class AttemptCounterRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one attempt unless the counter has reached `limit`, in one conditional update: however many
   * requests race, at most `limit` of them are counted, and only those go on. False when refused.
   */
  async tryIncrement(counterKey: string, limit: number, expiresAt: number): Promise<boolean> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { counterKey },
          UpdateExpression: "SET expiresAt = :expiresAt ADD attempts :one",
          ConditionExpression: "attribute_not_exists(attempts) OR attempts < :limit",
          ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":expiresAt": expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /** Gives back one counted attempt (one that turned out not to be a failure). Never goes below zero. */
  async decrement(counterKey: string): Promise<void> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { counterKey },
          UpdateExpression: "ADD attempts :minusOne",
          ConditionExpression: "attempts > :zero",
          ExpressionAttributeValues: { ":minusOne": -1, ":zero": 0 },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}
