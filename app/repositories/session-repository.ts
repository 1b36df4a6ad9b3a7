import { budgets, cancellationReasons, commands, type DocumentClientProvider } from "./dynamo";

export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly email: string;
  /** Epoch seconds; also the table's TTL attribute. */
  readonly expiresAt: number;
  readonly spentAt?: string;
  /** Set with spentAt: the token that replaced this one, sealed with a key only this token yields. */
  readonly successor?: string;
  /** Epoch milliseconds of the login that started the session, copied to each rotated token. */
  readonly sessionStartedAt?: number;
}

export interface SessionRecord {
  readonly sessionId: string;
  readonly userId: string;
  readonly expiresAt: number;
  readonly revokedAt?: string;
}

export type RotateOutcome = "rotated" | "already-spent" | "session-revoked";

export type ReplayOutcome = "replayable" | "successor-spent" | "session-revoked";

/**
 * Login sessions and their refresh tokens. A token is stored only as its SHA-256 hash, is spent by its
 * first use, and a spent token stays stored (until its TTL) so that a second use is recognised as theft,
 * or, shortly after the first, as a retry (app/services/refresh-successor.ts).
 */
export class SessionRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly sessionsTable: string,
    private readonly tokensTable: string,
  ) {}

  async start(session: SessionRecord, firstToken: RefreshTokenRecord): Promise<void> {
    const [db, { TransactWriteCommand }] = await Promise.all([this.db(), commands()]);
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.sessionsTable, Item: { ...session } } },
          { Put: { TableName: this.tokensTable, Item: { ...firstToken } } },
        ],
      }),
      budgets.transaction(),
    );
  }

  async findToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({ TableName: this.tokensTable, Key: { tokenHash }, ConsistentRead: true }),
      budgets.read(),
    );
    return item as RefreshTokenRecord | undefined;
  }

  /**
   * Spends `current` and stores `next` in one transaction, provided the session is still live.
   * `sealedSuccessor` (next's token, sealed for current's holder) is kept on the spent record for retries.
   */
  async rotate(
    current: RefreshTokenRecord,
    next: RefreshTokenRecord,
    now: string,
    sealedSuccessor: string,
  ): Promise<RotateOutcome> {
    const [db, { TransactWriteCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tokensTable,
                Key: { tokenHash: current.tokenHash },
                UpdateExpression: "SET spentAt = :now, successor = :successor",
                ConditionExpression: "attribute_exists(tokenHash) AND attribute_not_exists(spentAt)",
                ExpressionAttributeValues: { ":now": now, ":successor": sealedSuccessor },
              },
            },
            this.liveSession(current.sessionId),
            { Put: { TableName: this.tokensTable, Item: { ...next } } },
          ],
        }),
        budgets.transaction(),
      );
      return "rotated";
    } catch (error) {
      return failedCheck(error, ["already-spent", "session-revoked"]);
    }
  }

  /** The transaction item that holds only while the session exists and is not revoked. */
  private liveSession(sessionId: string) {
    return {
      ConditionCheck: {
        TableName: this.sessionsTable,
        Key: { sessionId },
        ConditionExpression: "attribute_exists(sessionId) AND attribute_not_exists(revokedAt)",
      },
    };
  }

  /**
   * Whether a retried refresh may be answered with the successor again: only while the successor is
   * unspent (the client never got to use it) and the session is live. Records the retry on the successor.
   */
  async confirmReplay(successorHash: string, sessionId: string, now: string): Promise<ReplayOutcome> {
    const [db, { TransactWriteCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tokensTable,
                Key: { tokenHash: successorHash },
                UpdateExpression: "SET replayedAt = :now",
                ConditionExpression: "attribute_exists(tokenHash) AND attribute_not_exists(spentAt)",
                ExpressionAttributeValues: { ":now": now },
              },
            },
            this.liveSession(sessionId),
          ],
        }),
        budgets.transaction(),
      );
      return "replayable";
    } catch (error) {
      return failedCheck(error, ["successor-spent", "session-revoked"]);
    }
  }

  /** Ends the session: every refresh token of its family stops working. Idempotent. */
  async revokeSession(sessionId: string, now: string): Promise<void> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.sessionsTable,
          Key: { sessionId },
          UpdateExpression: "SET revokedAt = :now",
          ConditionExpression: "attribute_exists(sessionId) AND attribute_not_exists(revokedAt)",
          ExpressionAttributeValues: { ":now": now },
        }),
        budgets.write(),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    }
  }
}

/**
 * The outcome named for the first of a two-item transaction's conditions that failed; any other error,
 * including a cancellation for another reason, is thrown on.
 */
function failedCheck<T>(error: unknown, outcomes: readonly [T, T]): T {
  const reasons = cancellationReasons(error);
  if (reasons?.[0]?.Code === "ConditionalCheckFailed") return outcomes[0];
  if (reasons?.[1]?.Code === "ConditionalCheckFailed") return outcomes[1];
  throw error;
}
