import * as fs from "node:fs";
import type { AnalyzerInfo, EnforcementLevel, PolicyConfig } from "./types";

/**
 * `--policy-pack-config` as the CLI handles it (pkg/resource/analyzer/config.go): a JSON object mapping a
 * policy name (or `all`) to an enforcement level, or to an object of settings with an optional
 * `enforcementLevel`. The CLI reconciles it with the pack's metadata (every policy gets its default level
 * and its schema's defaults, then `all`, then the file's values) and validates each policy's settings
 * against its config schema before calling `Configure`.
 *
 * Stricter than the CLI on purpose: a policy name or setting the pack does not have is an error, since a
 * typo would otherwise silently leave a guardrail at its default level.
 */

const levels: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

interface GivenConfig {
  readonly enforcementLevel?: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid policy pack configuration:\n  ${problems.join("\n  ")}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parses a config file's text; an empty file is no configuration, like the CLI. */
export function parsePolicyConfig(text: string): Record<string, GivenConfig> {
  if (text.trim() === "") {
    return {};
  }
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw)) {
    throw new PolicyConfigError(["the configuration must be a JSON object keyed by policy name"]);
  }
  const problems: string[] = [];
  const result: Record<string, GivenConfig> = {};
  for (const [policy, value] of Object.entries(raw)) {
    const entry = typeof value === "string" ? { enforcementLevel: value } : value;
    if (!isRecord(entry)) {
      problems.push(`${policy}: must be an enforcement level or an object`);
      continue;
    }
    const { enforcementLevel, ...properties } = entry;
    if (enforcementLevel !== undefined && !levels.includes(enforcementLevel as EnforcementLevel)) {
      problems.push(`${policy}: "${String(enforcementLevel)}" is not one of ${levels.join(", ")}`);
      continue;
    }
    result[policy] = {
      ...(enforcementLevel !== undefined ? { enforcementLevel: enforcementLevel as EnforcementLevel } : {}),
      properties,
    };
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(problems);
  }
  return result;
}

export function readPolicyConfigFile(file: string): Record<string, GivenConfig> {
  return parsePolicyConfig(fs.readFileSync(file, "utf8"));
}

type Schema = Record<string, unknown>;

/** The JSON Schema keywords the pack's config schemas use: type, items, enum, minimum, maximum. */
function validate(value: unknown, schema: Schema, where: string): string[] {
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === "array" && Array.isArray(value)) ||
    (type === "object" && isRecord(value)) ||
    (type === "integer" && Number.isInteger(value)) ||
    (type === "number" && typeof value === "number") ||
    (type === "string" && typeof value === "string") ||
    (type === "boolean" && typeof value === "boolean");
  if (!typeOk) {
    return [`${where}: must be of type ${type}`];
  }
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${where}: must be one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) {
    problems.push(`${where}: must be at least ${schema.minimum}`);
  }
  if (typeof value === "number" && typeof schema.maximum === "number" && value > schema.maximum) {
    problems.push(`${where}: must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && isRecord(schema.items)) {
    const items = schema.items;
    value.forEach((item, index) => problems.push(...validate(item, items, `${where}[${index}]`)));
  }
  return problems;
}

/** The configuration `Configure` receives for every policy of the pack. */
export function reconcilePolicyConfig(
  info: AnalyzerInfo,
  given: Readonly<Record<string, GivenConfig>>,
): Record<string, PolicyConfig> {
  const problems: string[] = [];
  const known = new Set(info.policies.map((policy) => policy.name));
  for (const name of Object.keys(given)) {
    if (name !== "all" && !known.has(name)) {
      problems.push(`${name}: the pack has no such policy`);
    }
  }
  const result: Record<string, PolicyConfig> = {};
  for (const policy of info.policies) {
    const schemaProperties = (policy.configSchema?.properties ?? {}) as Record<string, Schema>;
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(schemaProperties)) {
      if (schema.default !== undefined) {
        properties[key] = schema.default;
      }
    }
    const entry = given[policy.name];
    Object.assign(properties, entry?.properties);
    for (const [key, value] of Object.entries(properties)) {
      const schema = schemaProperties[key];
      if (!schema) {
        problems.push(`${policy.name}: "${key}" is not a setting of this policy`);
        continue;
      }
      problems.push(...validate(value, schema, `${policy.name}.${key}`));
    }
    for (const key of policy.configSchema?.required ?? []) {
      if (properties[key] === undefined) {
        problems.push(`${policy.name}: "${key}" is required`);
      }
    }
    result[policy.name] = {
      enforcementLevel: entry?.enforcementLevel ?? given.all?.enforcementLevel ?? policy.enforcementLevel,
      properties,
    };
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(problems);
  }
  return result;
}
