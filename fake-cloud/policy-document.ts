/**
 * Renders the inputs of the `aws:iam/getPolicyDocument:getPolicyDocument` invoke into the JSON document
 * the AWS provider would produce, so IAM documents under mocks are the documents AWS would receive:
 *
 * - `Version` defaults to 2012-10-17; `Id` comes from `policyId`.
 * - `sourcePolicyDocuments` supply base statements, the invoke's own statements replace base statements
 *   with the same `Sid` (or are appended), then `overridePolicyDocuments` replace by `Sid` (or append).
 * - Every statement keeps `Sid`, `Effect` (default Allow), `Action`/`NotAction`, `Resource`/`NotResource`,
 *   `Principal`/`NotPrincipal` and `Condition`; a list with one value collapses to a string as the provider
 *   does, principals are grouped by type (type `*` with identifier `*` renders `"Principal": "*"`), and
 *   conditions are grouped by operator then key, with values of repeated keys merged.
 */
import { createHash } from "node:crypto";

interface PrincipalInput {
  readonly type: string;
  readonly identifiers: readonly string[];
}

interface ConditionInput {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

interface StatementInput {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: readonly PrincipalInput[];
  readonly notPrincipals?: readonly PrincipalInput[];
  readonly conditions?: readonly ConditionInput[];
}

export interface PolicyDocumentInputs {
  readonly version?: string;
  readonly policyId?: string;
  readonly statements?: readonly StatementInput[];
  readonly sourcePolicyDocuments?: readonly string[];
  readonly overridePolicyDocuments?: readonly string[];
}

export type RenderedStatement = Record<string, unknown>;

export interface PolicyDocumentResult {
  readonly json: string;
  readonly minifiedJson: string;
  readonly id: string;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** A one-element list renders as a plain string, as the provider does. */
const collapse = (values: readonly string[]): string | string[] =>
  values.length === 1 ? values[0] : [...values];

function renderPrincipals(principals: readonly PrincipalInput[]): unknown {
  if (
    principals.length === 1 &&
    principals[0].type === "*" &&
    principals[0].identifiers.every((i) => i === "*")
  ) {
    return "*";
  }
  const byType = new Map<string, string[]>();
  for (const principal of principals) {
    byType.set(principal.type, unique([...(byType.get(principal.type) ?? []), ...principal.identifiers]));
  }
  return Object.fromEntries([...byType].map(([type, identifiers]) => [type, collapse(identifiers)]));
}

function renderConditions(conditions: readonly ConditionInput[]): Record<string, Record<string, unknown>> {
  const byTest = new Map<string, Map<string, string[]>>();
  for (const condition of conditions) {
    const byVariable = byTest.get(condition.test) ?? new Map<string, string[]>();
    byVariable.set(
      condition.variable,
      unique([...(byVariable.get(condition.variable) ?? []), ...condition.values]),
    );
    byTest.set(condition.test, byVariable);
  }
  return Object.fromEntries(
    [...byTest].map(([test, byVariable]) => [
      test,
      Object.fromEntries([...byVariable].map(([variable, values]) => [variable, collapse(values)])),
    ]),
  );
}

function renderStatement(statement: StatementInput): RenderedStatement {
  const rendered: RenderedStatement = {};
  if (statement.sid) rendered.Sid = statement.sid;
  rendered.Effect = statement.effect || "Allow";
  if (statement.actions?.length) rendered.Action = collapse(unique(statement.actions));
  if (statement.notActions?.length) rendered.NotAction = collapse(unique(statement.notActions));
  if (statement.resources?.length) rendered.Resource = collapse(unique(statement.resources));
  if (statement.notResources?.length) rendered.NotResource = collapse(unique(statement.notResources));
  if (statement.principals?.length) rendered.Principal = renderPrincipals(statement.principals);
  if (statement.notPrincipals?.length) rendered.NotPrincipal = renderPrincipals(statement.notPrincipals);
  if (statement.conditions?.length) rendered.Condition = renderConditions(statement.conditions);
  return rendered;
}

function statementsOf(document: string): RenderedStatement[] {
  const parsed = JSON.parse(document) as { Statement?: RenderedStatement | RenderedStatement[] };
  if (parsed.Statement === undefined) return [];
  return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

/** Adds statements, replacing an existing statement that has the same Sid. */
function mergeBySid(base: RenderedStatement[], additions: readonly RenderedStatement[]): RenderedStatement[] {
  const merged = [...base];
  for (const statement of additions) {
    const index = statement.Sid ? merged.findIndex((s) => s.Sid === statement.Sid) : -1;
    if (index >= 0) merged[index] = statement;
    else merged.push(statement);
  }
  return merged;
}

export function renderPolicyDocument(inputs: PolicyDocumentInputs): PolicyDocumentResult {
  let statements = (inputs.sourcePolicyDocuments ?? []).flatMap(statementsOf);
  statements = mergeBySid(statements, (inputs.statements ?? []).map(renderStatement));
  for (const override of inputs.overridePolicyDocuments ?? []) {
    statements = mergeBySid(statements, statementsOf(override));
  }
  const document: Record<string, unknown> = { Version: inputs.version || "2012-10-17" };
  if (inputs.policyId) document.Id = inputs.policyId;
  document.Statement = statements;
  const minifiedJson = JSON.stringify(document);
  return {
    json: JSON.stringify(document, undefined, 2),
    minifiedJson,
    id: createHash("sha256").update(minifiedJson).digest("hex").slice(0, 10),
  };
}
