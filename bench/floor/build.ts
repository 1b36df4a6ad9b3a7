import path from "node:path";
import { build } from "esbuild";

/**
 * Bundles a floor handler (handler.ts, or the framework's: express-handler.ts) into `<outDir>/index.js` the
 * way scripts/bundle.ts bundles ours (one CommonJS file for Node 22, minified, packages' ES module builds, a
 * linked source map; not its plugins, which change what loads, not what a warm request runs), so they
 * differ from ours only in what they do.
 */
export async function bundleFloorHandler(
  outDir: string,
  handler: "handler.ts" | "express-handler.ts" = "handler.ts",
): Promise<string> {
  const outfile = path.join(outDir, "index.js");
  await build({
    entryPoints: [path.join(__dirname, handler)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "external",
    logLevel: "warning",
  });
  return outfile;
}
