import * as fs from "node:fs";
import * as path from "node:path";
import { actionCovers } from "./iam-patterns";

/**
 * What AWS's service authorization reference says about each action, read from
 * `policies/data/service-authorization.json` (generated, see the generator next to it) on first use: a
 * resource type that carries no document never pays for it.
 */

interface ServiceIndex {
  /** Every action of the service, lower case. */
  readonly actions: readonly string[];
  /** The actions that only accept `Resource: "*"`, lower case. */
  readonly starOnly: ReadonlySet<string>;
}

let index: ReadonlyMap<string, ServiceIndex> | undefined;

function services(): ReadonlyMap<string, ServiceIndex> {
  if (index === undefined) {
    const file = path.join(__dirname, "..", "data", "service-authorization.json");
    // The pack's own data file, next to this module; nothing from a request reaches the path.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as {
      services: Record<string, { starOnly: string[]; scoped: string[] }>;
    };
    const built = new Map<string, ServiceIndex>();
    for (const [service, entry] of Object.entries(data.services)) {
      const starOnly = entry.starOnly.map((name) => name.toLowerCase());
      built.set(service, {
        actions: [...starOnly, ...entry.scoped.map((name) => name.toLowerCase())],
        starOnly: new Set(starOnly),
      });
    }
    index = built;
  }
  return index;
}

/** The actions of one service that an action pattern (`ec2:Describe*`, `kms:GenerateDataKey`) covers. */
export function actionsCoveredBy(pattern: string): string[] {
  const colon = pattern.indexOf(":");
  if (colon < 0) {
    return [];
  }
  const service = pattern.slice(0, colon).toLowerCase();
  const entry = services().get(service);
  if (entry === undefined || /[*?]/.test(service)) {
    return [];
  }
  const name = pattern.slice(colon + 1).toLowerCase();
  if (!/[*?]/.test(name)) {
    return entry.actions.includes(name) ? [`${service}:${name}`] : [];
  }
  return entry.actions.filter((action) => actionCovers(name, action)).map((action) => `${service}:${action}`);
}

/**
 * Whether every action the pattern covers only accepts `Resource: "*"` in AWS's data: `ec2:DescribeInstances`
 * does, `ec2:Describe*` does not (some Describe actions name a resource type), nor does an unknown action.
 */
export function onlyAcceptsStar(pattern: string): boolean {
  const covered = actionsCoveredBy(pattern);
  return (
    covered.length > 0 &&
    covered.every((action) => {
      const colon = action.indexOf(":");
      return services()
        .get(action.slice(0, colon))!
        .starOnly.has(action.slice(colon + 1));
    })
  );
}
