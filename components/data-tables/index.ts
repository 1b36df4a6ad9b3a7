/**
 * DataTables: the shop's DynamoDB tables, built from the app's own definitions (`app/data/tables.ts`), so
 * keys, indexes and TTL attributes can never drift from what the code queries. Every table is on-demand,
 * has point-in-time recovery and server-side encryption (the AWS-managed key, or a customer-managed key
 * with rotation when asked), and deletion protection when the stack wants it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  physicalTableName,
  tables,
  type KeyAttribute,
  type TableDefinition,
  type TableKey,
} from "../../app/data/tables";
import { EncryptionKey } from "../encryption-key";

export interface TableReference {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
}

export interface DataTablesArgs {
  /** Prefix of the physical table names (`<prefix>-orders`). Default: the component's name. */
  readonly tableNamePrefix?: string;
  /** DynamoDB deletion protection on every table. Default: true. */
  readonly deletionProtection?: pulumi.Input<boolean>;
  /** Encrypt with a customer-managed KMS key created here instead of the AWS-managed key. Default: false. */
  readonly customerManagedKey?: boolean;
  /** Days before the customer-managed key is deleted once removed (7..30). Default: 30. */
  readonly kmsKeyDeletionWindowDays?: pulumi.Input<number>;
}

/** Every attribute used as a key by the table or one of its indexes, once each. */
export function keyAttributes(definition: TableDefinition): KeyAttribute[] {
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ].filter((key): key is KeyAttribute => key !== undefined);
  return [...new Map(keys.map((key) => [key.name, key])).values()];
}

export class DataTables extends pulumi.ComponentResource {
  public readonly tables: Readonly<Record<TableKey, TableReference>>;
  /** The customer-managed key, when one is used; callers grant `kms:Decrypt` on it. */
  public readonly kmsKeyArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: DataTablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:dynamodb:DataTables", name, {}, opts);

    const tableNamePrefix = args.tableNamePrefix ?? name;
    const deletionProtection = args.deletionProtection ?? true;
    const customerManagedKey = args.customerManagedKey ?? false;

    const key = customerManagedKey
      ? new EncryptionKey(
          `${name}-key`,
          {
            description: `Encrypts the DynamoDB tables ${tableNamePrefix}-*`,
            deletionWindowInDays: args.kmsKeyDeletionWindowDays,
          },
          { parent: this },
        )
      : undefined;

    const created = Object.entries(tables).map(([tableKey, definition]: [string, TableDefinition]) => {
      const table = new aws.dynamodb.Table(
        `${name}-${definition.name}`,
        {
          name: physicalTableName(tableNamePrefix, definition),
          billingMode: "PAY_PER_REQUEST",
          hashKey: definition.partitionKey.name,
          rangeKey: definition.sortKey?.name,
          attributes: keyAttributes(definition),
          globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
            name: index.name,
            hashKey: index.partitionKey.name,
            rangeKey: index.sortKey?.name,
            projectionType: index.projection,
          })),
          ttl: definition.ttlAttribute
            ? { attributeName: definition.ttlAttribute, enabled: true }
            : undefined,
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: key ? { enabled: true, kmsKeyArn: key.keyArn } : { enabled: true },
          deletionProtectionEnabled: deletionProtection,
        },
        { parent: this },
      );
      return [tableKey, { name: table.name, arn: table.arn }] as const;
    });

    this.tables = Object.fromEntries(created) as Record<TableKey, TableReference>;
    this.kmsKeyArn = key?.keyArn;
    this.registerOutputs({
      tableNames: Object.fromEntries(created.map(([tableKey, table]) => [tableKey, table.name])),
      tableArns: Object.fromEntries(created.map(([tableKey, table]) => [tableKey, table.arn])),
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
