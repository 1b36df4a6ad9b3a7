/**
 * `npm run bundle`: the Lambda bundles, built with esbuild.
 *   dist/api/index.js     API handler (export `handler`)
 *   dist/report/index.js  weekly report job (export `handler`)
 *   dist/swagger-ui/      the Swagger UI files /docs serves
 * Everything, the AWS SDK included, is bundled: the image then runs exactly the versions the lockfile
 * pins, not whatever SDK the runtime happens to ship. SDK modules stay lazily evaluated in the bundle
 * (they sit behind dynamic imports), so loading the handler does not pay for them.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

export const bundles = {
  api: "app/entrypoints/lambda-api.ts",
  report: "app/entrypoints/lambda-report.ts",
} as const;

/**
 * JSON is UTF-8 (RFC 8259) and body-parser refuses any charset but UTF-8/16/32 before decoding, so
 * iconv-lite's legacy code-page tables (Shift_JIS, GBK, Big5, ... about 0.5 MiB) can never be reached
 * from this API. They are replaced by an empty table set, which takes a quarter off the API bundle.
 */
const utf8OnlyBodyDecoding: Plugin = {
  name: "utf8-only-body-decoding",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/(dbcs-data|sbcs-data-generated)$/ }, (args) =>
      args.importer.includes(`${path.sep}iconv-lite${path.sep}`) ? { path: args.path, namespace: "no-legacy-codepages" } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-legacy-codepages" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

const SWAGGER_UI_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"];

export async function bundle(): Promise<Record<keyof typeof bundles, Metafile>> {
  rmSync(dist, { recursive: true, force: true });
  const entries = Object.entries(bundles) as [keyof typeof bundles, string][];
  const results = await Promise.all(
    entries.map(([name, entry]) =>
      build({
        entryPoints: [path.join(root, entry)],
        outfile: path.join(dist, name, "index.js"),
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        // Prefer the packages' ES module builds: esbuild can tree-shake those, which roughly halves the AWS SDK.
        mainFields: ["module", "main"],
        minify: true,
        sourcemap: "linked",
        // Stack traces need the mappings, not the sources: with NODE_OPTIONS=--enable-source-maps Node reads
        // and parses the whole map at load, and the sources made it four times bigger.
        sourcesContent: false,
        legalComments: "external",
        metafile: true,
        plugins: [utf8OnlyBodyDecoding],
        logLevel: "warning",
      }),
    ),
  );

  const swaggerSource = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  mkdirSync(path.join(dist, "swagger-ui"), { recursive: true });
  for (const file of SWAGGER_UI_FILES) copyFileSync(path.join(swaggerSource, file), path.join(dist, "swagger-ui", file));

  return Object.fromEntries(entries.map(([name], i) => [name, results[i].metafile])) as Record<keyof typeof bundles, Metafile>;
}

if (require.main === module) {
  bundle()
    .then((metafiles) => {
      for (const [name, metafile] of Object.entries(metafiles)) {
        const bytes = Object.entries(metafile.outputs)
          .filter(([file]) => file.endsWith(".js"))
          .reduce((sum, [, output]) => sum + output.bytes, 0);
        console.log(`dist/${name}: ${(bytes / 1024).toFixed(0)} KiB of JavaScript`);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
