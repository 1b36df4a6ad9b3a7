/**
 * The project's config schema (Pulumi.yaml `config:`) as the program sees it: which `shop-infra:` keys
 * exist, so a misspelled key in a stack file is refused instead of silently leaving the default in place
 * (the CLI checks the types of declared keys, but ignores undeclared ones in the project's namespace),
 * and strict integer parsing (`Config.requireNumber` takes "7 days" as 7 and "1e1" as 10).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/** Pulumi.yaml beside the program: the file the CLI validated the stack's config against. */
const projectFile = path.join(__dirname, "..", "Pulumi.yaml");

export function declaredSettings(file = projectFile): string[] {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the project's own Pulumi.yaml
  const project = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return Object.keys(project.config ?? {});
}

/** Edit distance, for the "did you mean" of a misspelled key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** One problem per `<project>:<key>` in the stack's config that the schema does not declare. */
export function undeclaredSettingProblems(
  project: string,
  declared: readonly string[],
  config: Readonly<Record<string, string>> = pulumi.runtime.allConfig(),
): string[] {
  const known = new Set(declared);
  return Object.keys(config)
    .filter((key) => key.startsWith(`${project}:`))
    .map((key) => key.slice(project.length + 1))
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => {
      const nearest = [...known].sort((a, b) => distance(key, a) - distance(key, b))[0];
      const hint =
        nearest !== undefined && distance(key, nearest) <= 3 ? ` (did you mean ${project}:${nearest}?)` : "";
      return `${project}:${key} is not a setting of this project (Pulumi.yaml declares none of that name)${hint}`;
    });
}

/** A whole number written as one: "7", "-1"; not "7.0", "7 days", "1e1" or "0x7". */
export function parseInteger(text: string): number | undefined {
  return /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
