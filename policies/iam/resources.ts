import { resourceScope } from "../lib/iam-patterns";
import { stringListSetting } from "../lib/policy";
import { onlyAcceptsStar } from "../lib/service-authorization";
import { documentPolicy, quoteList } from "./document-policy";

interface Config {
  starOnlyActions: string[];
}

export const noWildcardResources = documentPolicy<Config>({
  name: "iam-no-wildcard-resources",
  description:
    'Identity policies must name the resources they grant: no Allow on `"*"` or on an ARN that names every ' +
    "resource of a type (`table/*`, `function:*`), except for actions that only accept `*` (setting " +
    "`starOnlyActions`). The objects of one bucket (`bucket/*`) and one log group's streams (`:*`) are scoped.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Grant on the exact ARNs the stack created (`table.arn`, the bucket ARN followed by `/reports/*`); " +
    "put actions that only accept `*` in a statement of their own.",
  kinds: ["identity"],
  configSchema: {
    properties: {
      starOnlyActions: stringListSetting(
        'Actions allowed on Resource "*" in addition to those AWS\'s service authorization data lists as "*"-only.',
        [],
      ),
    },
  },
  check(statement, { config }) {
    if (statement.effect !== "Allow") {
      return [];
    }
    const extra = new Set(config.starOnlyActions.map((action) => action.toLowerCase()));
    const scopedActions = statement.actions.filter(
      (action) => !extra.has(action.toLowerCase()) && !onlyAcceptsStar(action),
    );
    if (scopedActions.length === 0) {
      return [];
    }
    return statement.resources
      .map((resource) => ({ resource, scope: resourceScope(resource) }))
      .filter(({ scope }) => scope !== "scoped")
      .map(
        ({ resource, scope }) =>
          `Allow of ${quoteList(scopedActions)} on resource "${resource}" names ` +
          `${scope === "all" ? "every resource" : "every resource of its type"}; ` +
          "name the exact ARNs the stack created instead.",
      );
  },
});
