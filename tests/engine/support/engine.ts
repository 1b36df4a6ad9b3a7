/** What the engine tests share: whether the toolchain is there, and a workspace per test file. */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EngineWorkspace, repoRoot } from "../../../scripts/engine/engine-workspace";

export { EngineWorkspace, repoRoot };

/**
 * `npm test` installs the toolchain before it runs the tests, so a missing CLI is a broken install, not a
 * reason to skip: fail with the fix.
 */
export function requireToolchain(): void {
  const cli = path.join(repoRoot, ".tools", "bin", "pulumi");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run tools\` (npm test does it first)`);
}

/** The steps of `pulumi preview --json`, by operation. */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: string[];
}

export const previewSteps = (json: string): PreviewStep[] =>
  (JSON.parse(json) as { steps?: PreviewStep[] }).steps ?? [];

/** `urn:pulumi:dev::shop-infra::a$b$aws:cloudwatch/logGroup:LogGroup::name` -> "name". */
export const urnName = (urn: string): string => urn.split("::").pop() ?? urn;
export const urnType = (urn: string): string => (urn.split("::")[2] ?? "").split("$").pop() ?? "";
