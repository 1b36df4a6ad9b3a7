/**
 * `npm run preview:offline -- --stack <name> [--json] [--sarif <file>]`
 *
 * `pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json` without the
 * Pulumi CLI, cloud credentials or a state backend (see scripts/preview/offline-preview.ts). Prints the
 * resources and the Policies section, or with --json the same as JSON; --sarif also writes SARIF 2.1.0.
 *
 * Exit codes: 0 no mandatory violation, 1 at least one mandatory violation, 2 the preview could not run
 * (bad arguments, unknown stack, invalid policy config, the program or the pack failed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

const usage =
  "usage: npm run preview:offline -- --stack <name> [--json] [--sarif <file>] " +
  "[--policy-pack <dir>] [--policy-pack-config <file>]";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      json: { type: "boolean", default: false },
      sarif: { type: "string" },
      "policy-pack": { type: "string" },
      "policy-pack-config": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help || !values.stack) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  // Loaded after the arguments are checked: the preview pulls in the Pulumi SDK, a second or two.
  const { runOfflinePreview } = await import("./preview/offline-preview");
  const { renderJson } = await import("./preview/render-json");
  const { renderText } = await import("./preview/render-text");
  const { renderSarif } = await import("./preview/sarif");
  const result = await runOfflinePreview({
    stack: values.stack,
    ...(values["policy-pack"] ? { packDir: values["policy-pack"] } : {}),
    ...(values["policy-pack-config"] ? { policyConfigFile: values["policy-pack-config"] } : {}),
  });
  process.stdout.write(values.json ? renderJson(result) : renderText(result));
  if (values.sarif) {
    fs.mkdirSync(path.dirname(path.resolve(values.sarif)), { recursive: true });
    fs.writeFileSync(values.sarif, renderSarif(result));
  }
  return result.mandatoryViolations > 0 ? 1 : 0;
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
