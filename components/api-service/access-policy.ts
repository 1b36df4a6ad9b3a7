/**
 * The API function's permissions, derived from the app's own table access list (`apiTableAccess`), so
 * the role grants exactly the DynamoDB actions the repositories perform, on exactly the tables and
 * indexes they touch.
 */
import * as pulumi from "@pulumi/pulumi";
import { apiTableAccess, tables, type TableKey } from "../../app/data/tables";
import { decryptThrough, type PolicyStatement } from "../shared/policy-documents";

export interface ApiAccess {
  readonly tableArns: Readonly<Record<TableKey, pulumi.Input<string>>>;
  readonly jwtSecretArn: pulumi.Input<string>;
  /** Key of the JWT secret: readable only through Secrets Manager. */
  readonly jwtSecretKmsKeyArn?: pulumi.Input<string>;
  /** Customer-managed key of the tables: usable only through DynamoDB. */
  readonly tablesKmsKeyArn?: pulumi.Input<string>;
  readonly reportsBucketArn: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
}

const statementId = (tableKey: string) => tableKey.charAt(0).toUpperCase() + tableKey.slice(1);

export function apiAccessStatements(access: ApiAccess): PolicyStatement[] {
  const tableKeys = Object.keys(apiTableAccess) as TableKey[];
  const statements: PolicyStatement[] = tableKeys.map((tableKey) => ({
    sid: `${statementId(tableKey)}Table`,
    effect: "Allow",
    actions: [...apiTableAccess[tableKey]],
    resources: [access.tableArns[tableKey]],
  }));

  const indexArns = tableKeys.flatMap((tableKey) =>
    tables[tableKey].globalSecondaryIndexes.map(
      (index) => pulumi.interpolate`${access.tableArns[tableKey]}/index/${index.name}`,
    ),
  );
  if (indexArns.length > 0) {
    statements.push({
      sid: "QueryIndexes",
      effect: "Allow",
      actions: ["dynamodb:Query"],
      resources: indexArns,
    });
  }

  statements.push(
    {
      sid: "ReadJwtSigningKey",
      effect: "Allow",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [access.jwtSecretArn],
    },
    {
      sid: "WriteReports",
      effect: "Allow",
      actions: ["s3:PutObject"],
      resources: [pulumi.interpolate`${access.reportsBucketArn}/reports/*`],
    },
  );

  if (access.jwtSecretKmsKeyArn) {
    statements.push(
      decryptThrough(
        "DecryptJwtSigningKey",
        access.jwtSecretKmsKeyArn,
        pulumi.interpolate`secretsmanager.${access.region}.amazonaws.com`,
      ),
    );
  }
  if (access.tablesKmsKeyArn) {
    statements.push(
      decryptThrough(
        "DecryptTables",
        access.tablesKmsKeyArn,
        pulumi.interpolate`dynamodb.${access.region}.amazonaws.com`,
      ),
    );
  }
  return statements;
}
