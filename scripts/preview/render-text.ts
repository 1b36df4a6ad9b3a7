import * as path from "node:path";
import { repositoryRoot } from "./declaration-sites";
import type { LocatedDiagnostic, OfflinePreviewResult, PreviewResource } from "./offline-preview";

/**
 * The preview as `pulumi preview` prints it for a new stack: the resource tree with the planned step, the
 * Policies section per pack (each violation with its level, policy, resource and message), and the summary.
 */

/** `aws:s3/bucket:Bucket` reads `aws:s3:Bucket`, as the CLI shows type tokens. */
export function displayType(type: string): string {
  const [pkg, module, name] = type.split(":");
  if (name === undefined || !module.includes("/")) {
    return type;
  }
  const [first, last] = [module.slice(0, module.indexOf("/")), module.slice(module.lastIndexOf("/") + 1)];
  return last.toLowerCase() === name.toLowerCase() ? `${pkg}:${first}:${name}` : type;
}

function tree(resources: readonly PreviewResource[]): string[] {
  const children = new Map<string | undefined, PreviewResource[]>();
  const urns = new Set(resources.map((resource) => resource.urn));
  for (const resource of resources) {
    const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const rows: [string, string][] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, index) => {
      const last = index === list.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      rows.push([`${prefix}${branch}${displayType(resource.type)}`, resource.name]);
      walk(resource.urn, parent === undefined ? "" : `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  const typeWidth = Math.max(4, ...rows.map(([type]) => type.length)) + 2;
  const nameWidth = Math.max(4, ...rows.map(([, name]) => name.length)) + 2;
  return [
    `     ${"Type".padEnd(typeWidth)}${"Name".padEnd(nameWidth)}Plan`,
    ...rows.map(([type, name]) => ` +   ${type.padEnd(typeWidth)}${name.padEnd(nameWidth)}create`),
  ];
}

function violationLines(diagnostic: LocatedDiagnostic): string[] {
  const subject = diagnostic.resource
    ? `  (${displayType(diagnostic.resource.type)}: ${diagnostic.resource.name})`
    : "  (stack)";
  return [
    `        - [${diagnostic.enforcementLevel}]  ${diagnostic.policyName}${subject}`,
    ...diagnostic.message.split("\n").map((line) => `          ${line}`),
    `          at ${diagnostic.location.file}:${diagnostic.location.line}`,
  ];
}

const levelOrder = ["mandatory", "remediate", "advisory", "disabled"];

export function renderText(result: OfflinePreviewResult): string {
  const packLabel = `${result.pack.name}@v${result.pack.version} (local: ${result.pack.dir})`;
  const failed = result.mandatoryViolations > 0;
  const sorted = [...result.diagnostics].sort(
    (a, b) => levelOrder.indexOf(a.enforcementLevel) - levelOrder.indexOf(b.enforcementLevel),
  );
  const config = result.pack.configFile
    ? `, config ${path.relative(repositoryRoot, result.pack.configFile)}`
    : ", no policy pack config";
  const lines = [
    `Previewing update (${result.stack}), offline: the program ran under mocks, no cloud calls, no state${config}`,
    "",
    ...tree(result.resources),
    "",
    "Policies:",
    `    ${failed ? "❌" : "✅"} ${packLabel}`,
    ...sorted.flatMap(violationLines),
    "",
    "Resources:",
    `    + ${result.resources.length} to create`,
    "",
    `Duration: ${(result.timings.totalMs / 1000).toFixed(1)}s (program ${Math.round(result.timings.programMs)} ms, ` +
      `pack start ${Math.round(result.timings.packStartMs)} ms, Analyze ${Math.round(result.timings.analyzeMs)} ms, ` +
      `AnalyzeStack ${Math.round(result.timings.analyzeStackMs)} ms)`,
  ];
  const warnings = result.engineLogs.filter((log) => log.severity === "warning" || log.severity === "error");
  if (warnings.length > 0) {
    lines.push(
      "",
      "Diagnostics from the policy pack:",
      ...warnings.map((log) => `    ${log.severity}: ${log.message}`),
    );
  }
  if (failed) {
    lines.push("", `error: preview failed: ${result.mandatoryViolations} mandatory policy violation(s)`);
  }
  return `${lines.join("\n")}\n`;
}
