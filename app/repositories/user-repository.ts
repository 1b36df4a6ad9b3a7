import type { Role, User } from "../domain/models";
import {
  budgets,
  commands,
  isConditionalCheckFailure,
  type DocumentClientProvider,
  type Item,
} from "./dynamo";

export interface StoredUser extends User {
  readonly passwordHash: string;
}

/** Users keyed by lower-cased email: the conditional put is what makes emails unique. */
export class UserRepository {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly tableName: string,
  ) {}

  /** Stores a new user; false when the email is taken. */
  async create(user: StoredUser): Promise<boolean> {
    const [db, { PutCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            email: normalizeEmail(user.email),
            displayEmail: user.email,
            userId: user.id,
            name: user.name,
            role: user.role,
            passwordHash: user.passwordHash,
            createdAt: user.createdAt,
          },
          ConditionExpression: "attribute_not_exists(email)",
        }),
        budgets.write(),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async findByEmail(email: string): Promise<StoredUser | undefined> {
    // No account has a blank email (registration validates it), and DynamoDB refuses an empty key.
    const key = normalizeEmail(email);
    if (key === "") return undefined;
    const [db, { GetCommand }] = await Promise.all([this.db(), commands()]);
    const { Item: item } = await db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { email: key },
        ConsistentRead: true,
      }),
      budgets.read(),
    );
    return item ? toUser(item) : undefined;
  }

  /**
   * Makes the account an administrator, provided its password hash is still the one the caller
   * verified: a password changed in between promotes nothing. False when the condition failed.
   */
  async promoteToAdmin(email: string, verifiedPasswordHash: string): Promise<boolean> {
    const [db, { UpdateCommand }] = await Promise.all([this.db(), commands()]);
    try {
      await db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { email: normalizeEmail(email) },
          UpdateExpression: "SET #role = :admin",
          ConditionExpression: "attribute_exists(email) AND passwordHash = :hash",
          ExpressionAttributeNames: { "#role": "role" },
          ExpressionAttributeValues: { ":admin": "admin" satisfies Role, ":hash": verifiedPasswordHash },
        }),
        budgets.write(),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toUser(item: Item): StoredUser {
  return {
    id: String(item.userId),
    email: String(item.displayEmail),
    name: String(item.name),
    role: item.role === "admin" ? "admin" : "customer",
    createdAt: String(item.createdAt),
    passwordHash: String(item.passwordHash),
  };
}
