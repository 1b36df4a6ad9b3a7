/**
 * `npm run preview:engine -- --stack <dev|prod|ci>`
 *
 * The real `pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json` (the
 * merge-request preview of buildspec/preview.yml), run by the Pulumi CLI from .tools against the fake
 * cloud's provider plugins, in a throwaway file backend with a passphrase secrets provider: the preview of
 * a first deployment of the stack. Prints the CLI's own output and exits with the CLI's exit code
 * (non-zero on a mandatory policy violation); 2 when the toolchain is missing or the stack is unknown.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { EngineWorkspace, repoRoot } from "./engine/engine-workspace";

const usage = "usage: npm run preview:engine -- --stack <name>";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, help: { type: "boolean", default: false } },
    strict: true,
  });
  if (values.help || !values.stack) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  if (!existsSync(path.join(repoRoot, `Pulumi.${values.stack}.yaml`))) {
    console.error(`error: no stack file Pulumi.${values.stack}.yaml in ${repoRoot}`);
    return 2;
  }
  if (!existsSync(path.join(repoRoot, ".tools", "bin", "pulumi"))) {
    console.error("error: the Pulumi CLI is not installed in .tools; run `npm run tools` first");
    return 2;
  }
  const workspace = await EngineWorkspace.open({ stack: values.stack, echo: true });
  try {
    return (await workspace.preview()).code;
  } finally {
    workspace.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
