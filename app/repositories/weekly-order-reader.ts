import { reportTableAccess } from "../data/tables";
import type { Order } from "../domain/models";
import { budgets, commands, type DocumentClientProvider, type Item } from "./dynamo";
import { toOrder } from "./order-repository";

/**
 * Reads one ISO week's orders through the orders table's week index, a page at a time: the report job's
 * only access to DynamoDB (its IAM role may Query this index and nothing else).
 */
export class WeeklyOrderReader {
  constructor(
    private readonly db: DocumentClientProvider,
    private readonly ordersTable: string,
    private readonly pageSize = 500,
  ) {}

  async *ordersOfWeek(week: string): AsyncGenerator<Order[]> {
    const [db, { QueryCommand }] = await Promise.all([this.db(), commands()]);
    let startKey: Item | undefined;
    do {
      const result = await db.send(
        new QueryCommand({
          TableName: this.ordersTable,
          IndexName: reportTableAccess.index,
          KeyConditionExpression: "week = :week",
          ExpressionAttributeValues: { ":week": week },
          Limit: this.pageSize,
          ExclusiveStartKey: startKey,
        }),
        budgets.read(),
      );
      yield (result.Items ?? []).map(toOrder);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
  }
}
