import { commands, isConditionalCheckFailure, type DocumentClientProvider } from "./dynamo";

/**
 * "Log out everywhere", per account: the instant until which its refresh and device tokens are refused.
 * One small item per account that ever used it, expiring once every token issued before it has expired.
 */
export class TokenRevocationRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly tableName: string,
  ) {}

  /** Epoch milliseconds: tokens issued at or before it are revoked. 0 when the account never logged out everywhere. */
  async revokedBefore(userId: string): Promise<number> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({ TableName: this.tableName, Key: { userId }, ConsistentRead: true }),
    );
    return typeof item?.revokedBefore === "number" ? item.revokedBefore : 0;
  }

  /**
   * Moves the instant forward to `nowMs`, never back: two instances whose clocks differ a little cannot
   * undo each other's revocation.
   */
  async revokeAllBefore(userId: string, nowMs: number, expiresAt: number): Promise<void> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { userId },
          UpdateExpression: "SET revokedBefore = :now, expiresAt = :expiresAt",
          ConditionExpression: "attribute_not_exists(revokedBefore) OR revokedBefore < :now",
          ExpressionAttributeValues: { ":now": nowMs, ":expiresAt": expiresAt },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}
