/**
 * Reads a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI does, and produces
 * the config map a program sees at run time:
 *
 * - project keys declared under `config:` in Pulumi.yaml are namespaced with the project name
 *   (`stackKind` becomes `shop-infra:stackKind`) and contribute their `default` (or `value`);
 * - a stack file's `config:` entries override those; objects and arrays are passed as JSON, scalars as
 *   strings;
 * - `secure:` values (ciphertext only the stack's secrets provider can open) become placeholder strings
 *   `[secret:<key>]`, and their keys are listed as secret so `config.requireSecret` yields a secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** Every config value as the Pulumi runtime receives it (`namespace:key` -> string). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose stack-file value was `secure:` (replaced by a placeholder). */
  readonly secretKeys: readonly string[];
}

interface ProjectConfigEntry {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly value?: unknown;
  readonly secret?: boolean;
}

interface ProjectFile {
  readonly name: string;
  readonly config?: Readonly<Record<string, ProjectConfigEntry | string | number | boolean>>;
}

export const secretPlaceholder = (key: string): string => `[secret:${key}]`;

function readYaml<T>(file: string): T {
  return parse(fs.readFileSync(file, "utf8")) as T;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const file = path.join(projectDir, "Pulumi.yaml");
  const project = readYaml<ProjectFile | null>(file);
  if (!project || typeof project.name !== "string") throw new Error(`${file} has no project name`);
  return project;
}

/** The stacks that have a `Pulumi.<stack>.yaml` file in the project directory, sorted. */
export function listStackNames(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

const namespaced = (project: string, key: string): string => (key.includes(":") ? key : `${project}:${key}`);

const asConfigString = (value: unknown): string =>
  typeof value === "string"
    ? value
    : typeof value === "object" && value !== null
      ? JSON.stringify(value)
      : String(value);

const isSecure = (value: unknown): value is { secure: string } =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as { secure?: unknown }).secure === "string";

export function readStackConfig(projectDir: string, stack: string): StackConfig {
  const project = readProjectFile(projectDir);
  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();

  for (const [key, entry] of Object.entries(project.config ?? {})) {
    const fullKey = namespaced(project.name, key);
    const value = typeof entry === "object" && entry !== null ? (entry.value ?? entry.default) : entry;
    if (value !== undefined) config[fullKey] = asConfigString(value);
    if (typeof entry === "object" && entry?.secret) secretKeys.add(fullKey);
  }

  const stackFile = ["yaml", "yml"]
    .map((ext) => path.join(projectDir, `Pulumi.${stack}.${ext}`))
    .find((f) => fs.existsSync(f));
  if (!stackFile) throw new Error(`no stack file Pulumi.${stack}.yaml in ${projectDir}`);
  const stackDocument = readYaml<{ config?: Record<string, unknown> } | null>(stackFile);
  for (const [key, value] of Object.entries(stackDocument?.config ?? {})) {
    const fullKey = namespaced(project.name, key);
    if (isSecure(value)) {
      config[fullKey] = secretPlaceholder(fullKey);
      secretKeys.add(fullKey);
    } else {
      config[fullKey] = asConfigString(value);
    }
  }
  return { project: project.name, stack, config, secretKeys: [...secretKeys].sort() };
}
