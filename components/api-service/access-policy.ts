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
  /** Customer-managed key of the reports bucket: usable only through S3. */
  readonly reportsKmsKeyArn?: pulumi.Input<string>;
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
    {
      sid: "ReadReports",
      effect: "Allow",
      actions: ["s3:GetObject"],
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
  if (access.reportsKmsKeyArn) {
    const throughS3 = pulumi.interpolate`s3.${access.region}.amazonaws.com`;
    // GET /admin/reports/weekly/{week} reads an SSE-KMS object: S3 decrypts its data key as the caller.
    statements.push(decryptThrough("DecryptReports", access.reportsKmsKeyArn, throughS3));
    // POST /admin/reports/weekly writes one: a PutObject under SSE-KMS needs a new data key.
    statements.push({
      sid: "EncryptReports",
      effect: "Allow",
      actions: ["kms:GenerateDataKey"],
      resources: [access.reportsKmsKeyArn],
      conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [throughS3] }],
    });
  }
  return statements;
}
