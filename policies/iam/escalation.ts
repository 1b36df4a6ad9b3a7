import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentsOf, documentTypesFor } from "../lib/documents";
import type { Statement } from "../lib/iam-document";
import { actionCovers, isFullActionWildcard } from "../lib/iam-patterns";
import { forTypes, readConfig, stringListSetting } from "../lib/policy";
import { credentialActions, escalationPaths } from "./escalation-paths";

interface Config {
  allowedStatements: string[];
}

const configSchema = {
  properties: {
    allowedStatements: stringListSetting(
      'Statements allowed to hold an escalation path, as "<resource name>:<Sid>" (or ":<position>" for a ' +
        'statement without Sid); `*` matches any characters, e.g. "shop-ci-deploy-*-policy:Roles".',
      [],
    ),
  },
};

/** `${aws:username}` (the caller itself) is the only user a statement may create credentials for. */
const isSelfUser = (resource: string) =>
  /^arn:aws[a-z-]*:iam::(\d{12}|\*):user\//.test(resource) && resource.endsWith("/${aws:username}");

/** How the allowlist names a statement: its Sid, or its position when it has none. */
function statementId(statement: Statement, position: number): string {
  const sid = /\(Sid "(.*)"\)$/.exec(statement.label)?.[1];
  return sid ?? String(position + 1);
}

/**
 * The statements of one document that grant `action` by name or by a partial wildcard. Full wildcards
 * (`*`, `iam:*`) are iam-no-wildcard-actions' to report, NotAction iam-no-allow-with-not-elements'.
 */
function granting(statements: readonly Statement[], action: string): number[] {
  const found: number[] = [];
  statements.forEach((statement, index) => {
    if (
      statement.effect === "Allow" &&
      statement.actions.some((pattern) => !isFullActionWildcard(pattern) && actionCovers(pattern, action))
    ) {
      found.push(index);
    }
  });
  return found;
}

export const noPrivilegeEscalation: ResourceValidationPolicy = {
  name: "iam-no-privilege-escalation",
  description:
    "Identity policies must not hold a known privilege-escalation path, even on named ARNs: rewriting or " +
    "attaching policies (`iam:CreatePolicyVersion`, `iam:Put*Policy`, `iam:Attach*Policy`), rewriting trust " +
    "(`iam:UpdateAssumeRolePolicy`), creating credentials for other users, `lambda:UpdateFunctionCode`, or " +
    "`iam:PassRole` together with a service that runs the holder's code (Lambda, Glue, CloudFormation, EC2, " +
    "Data Pipeline, CodeBuild, SageMaker, ECS). A stack may accept a statement with `allowedStatements`.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the action, or split the job so that no one principal holds the whole path; if the principal " +
    "must hold it (a deploy role), bound it with a permissions boundary and list the statement in the stack's " +
    '`allowedStatements` ("<resource name>:<Sid>").',
  configSchema,
  validateResource: forTypes(documentTypesFor(["identity"]), (args, reportViolation) => {
    const documents = documentsOf(args).filter((document) => document.kind === "identity");
    if (documents.length === 0) {
      return;
    }
    const config = readConfig<Config>(args, configSchema);
    const allowed = (statement: Statement, index: number) =>
      config.allowedStatements.some((pattern) =>
        actionCovers(pattern, `${args.name}:${statementId(statement, index)}`),
      );
    let reported = 0;
    for (const document of documents) {
      if (!document.parsed.ok) {
        continue;
      }
      const statements = document.parsed.statements;
      const report = (indexes: readonly number[], problem: string) => {
        const labels = [...new Set(indexes)].sort((a, b) => a - b).map((index) => statements[index].label);
        reportViolation(`${document.location}, ${labels.join(" and ")}: ${problem}`);
        reported++;
      };
      for (const path of escalationPaths) {
        const holders = path.actions.map((action) => granting(statements, action));
        if (holders.some((indexes) => indexes.length === 0)) {
          continue;
        }
        // The path's own actions (not iam:PassRole) decide: an allowlisted statement holds them knowingly.
        const own = path.actions
          .map((action, i) => ({ action, indexes: holders[i] }))
          .filter(({ action }) => action !== "iam:PassRole" || path.actions.length === 1);
        if (own.every(({ indexes }) => indexes.every((index) => allowed(statements[index], index)))) {
          continue;
        }
        report(
          holders.flat(),
          `Allow of ${path.actions.join(" + ")} lets the holder ${path.effect} (privilege escalation, even on ` +
            "named ARNs); remove the action or split it across principals, or list the statement in " +
            "allowedStatements if the stack accepts it.",
        );
      }
      for (const action of credentialActions) {
        for (const index of granting(statements, action)) {
          const others = statements[index].resources.filter((resource) => !isSelfUser(resource));
          if (others.length > 0 && !allowed(statements[index], index)) {
            report(
              [index],
              `Allow of ${action} on "${others.join('", "')}" lets the holder create credentials for other ` +
                'users and act as them; allow it only on "arn:aws:iam::<account>:user/${aws:username}".',
            );
          }
        }
      }
    }
    const unknown = documents.find((document) => document.copy.unknown)?.copy.unknown;
    if (reported === 0 && unknown) {
      throw unknown;
    }
  }),
};
