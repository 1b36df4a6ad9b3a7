/**
 * The least-privilege rules every IAM document of the CI stack must meet, written independently of the
 * policy pack so the component's tests do not depend on it: exact actions (no wildcard of any kind), no
 * Allow on "*" except for actions AWS only authorizes on "*", no ARN that names every resource of a type,
 * no NotAction/NotResource, iam:PassRole only on named roles, and trust policies bound to this account
 * (service principals) or pinned to one repository and audience (GitHub OIDC).
 */
import type { Statement } from "../../infra/support/run-queries";
import { list } from "../../infra/support/run-queries";

const hasWildcard = (text: string) => /[*?]/.test(text);

/** "*", or an ARN whose resource part names every resource of its type (`table/*`, `key/*`, `function:*`). */
export function isUnscopedResource(resource: string): boolean {
  if (/^[*?]+$/.test(resource)) return true;
  const parts = resource.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return false;
  const [service, , , ...rest] = parts.slice(2);
  const resourcePart = rest.join(":");
  if (hasWildcard(service) || /^[*?]+$/.test(resourcePart)) return true;
  if (service === "s3") return /^[*?]+$/.test(resourcePart.split("/")[0]);
  const name = resourcePart.slice(resourcePart.search(/[/:]/) + 1);
  return resourcePart.search(/[/:]/) >= 0 && /^[*?]+$/.test(name.split(/[/:]/)[0]);
}

export function identityPolicyProblems(
  statements: Statement[],
  starOnlyActions: readonly string[],
): string[] {
  const starOnly = new Set(starOnlyActions.map((action) => action.toLowerCase()));
  return statements.flatMap((statement) => {
    const where = `statement ${statement.Sid ?? "(no Sid)"}`;
    if (statement.Effect !== "Allow") return [];
    const problems: string[] = [];
    if (statement.NotAction !== undefined || statement.NotResource !== undefined)
      problems.push(`${where} uses NotAction/NotResource`);
    const actions = list(statement.Action);
    const resources = list(statement.Resource);
    if (actions.length === 0 || resources.length === 0)
      problems.push(`${where} does not name actions and resources`);
    for (const action of actions.filter(hasWildcard))
      problems.push(`${where} allows the wildcard action ${action}`);
    const scopedActions = actions.filter((action) => !starOnly.has(action.toLowerCase()));
    for (const resource of resources.filter(isUnscopedResource)) {
      if (scopedActions.length > 0)
        problems.push(`${where} allows ${scopedActions.join(", ")} on ${resource}`);
    }
    if (actions.some((action) => action.toLowerCase() === "iam:passrole")) {
      for (const resource of resources.filter(hasWildcard))
        problems.push(`${where} passes roles matching ${resource}`);
    }
    return problems;
  });
}

type Conditions = NonNullable<Statement["Condition"]>;

const conditionValues = (conditions: Conditions, operator: string, key: string): string[] =>
  list(conditions[operator]?.[key]);

export function trustPolicyProblems(statements: Statement[], accountId: string): string[] {
  return statements.flatMap((statement) => {
    const where = `trust statement ${statement.Sid ?? "(no Sid)"}`;
    const principal = statement.Principal as Record<string, string | string[]> | string;
    const conditions = statement.Condition ?? {};
    if (typeof principal === "string") return [`${where} trusts everyone`];
    const problems: string[] = [];
    if (
      principal.Service !== undefined &&
      !conditionValues(conditions, "StringEquals", "aws:SourceAccount").includes(accountId)
    ) {
      problems.push(`${where} lets ${String(principal.Service)} assume the role for any account`);
    }
    if (principal.Federated !== undefined) {
      const host = "token.actions.githubusercontent.com";
      const audiences = conditionValues(conditions, "StringEquals", `${host}:aud`);
      const subjects = conditionValues(conditions, "StringEquals", `${host}:sub`);
      if (audiences.length === 0 || audiences.some(hasWildcard))
        problems.push(`${where} does not pin the audience`);
      if (
        subjects.length === 0 ||
        subjects.some((subject) => hasWildcard(subject) || !/^repo:[^/]+\/[^/:]+:/.test(subject))
      ) {
        problems.push(`${where} does not pin the subject to one repository`);
      }
    }
    if (principal.AWS !== undefined) problems.push(`${where} trusts AWS principals ${String(principal.AWS)}`);
    return problems;
  });
}
