/**
 * `npm run bundle`: the Lambda bundles, built with esbuild.
 *   dist/api/index.js     API handler (export `handler`): loads dist/api/app.js with its code cache
 *   dist/api/app.js       the API (see API_LOADER)
 *   dist/report/index.js  weekly report job (export `handler`)
 *   dist/rotation/index.js  JWT signing-key rotation function (export `handler`)
 *   dist/swagger-ui/      the Swagger UI files /docs serves
 *   dist/api/lazy/        what the API loads on first use (see lazyModules and SCHEMA_CHUNK)
 *   dist/api/mime-types.json   media types, precomputed (see precomputedMimeTypes)
 * Everything, the AWS SDK included, is bundled: the image then runs exactly the versions the lockfile
 * pins, not whatever SDK the runtime happens to ship.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

export const bundles = {
  api: "app/entrypoints/lambda-api.ts",
  report: "app/entrypoints/lambda-report.ts",
  rotation: "app/entrypoints/lambda-rotate-signing-key.ts",
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
      args.importer.includes(`${path.sep}iconv-lite${path.sep}`)
        ? { path: args.path, namespace: "no-legacy-codepages" }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-legacy-codepages" }, () => ({
      contents: "module.exports = {};",
      loader: "js",
    }));
  },
};

/**
 * Express loads mime-types at start (it adds the charset to every Content-Type it sets), and mime-types
 * then walks mime-db's 2,500 media types to build its extension maps, scoring every conflict twice: about
 * a tenth of the API's cold start, for the same result every time. The maps are computed here, by running
 * that very mime-types at build time, and the bundled copy starts from them. They and mime-db ship as one
 * JSON file beside the handler: Node loads it with a plain JSON.parse, where the same data inside the
 * handler's JavaScript would be compiled and, with --enable-source-maps, scanned line by line as well.
 * Same data, same answers. If a new mime-types version changes the line this replaces, the build fails.
 */
const MIME_DATA_FILE = "mime-types.json";

function precomputedMimeTypes(outDir: string): Plugin {
  return {
    name: "precomputed-mime-types",
    setup(pluginBuild) {
      const data: Record<string, unknown> = {};
      const fromDataFile = (key: string) =>
        `require(${JSON.stringify(`./${MIME_DATA_FILE}`)})[${JSON.stringify(key)}]`;
      pluginBuild.onResolve({ filter: /^\.\/mime-types\.json$/ }, (args) => ({
        path: args.path,
        external: true,
      }));
      pluginBuild.onLoad({ filter: /[\\/]mime-db[\\/]db\.json$/ }, (args) => {
        data.db = JSON.parse(readFileSync(args.path, "utf8"));
        return { contents: `module.exports = ${fromDataFile("db")};`, loader: "js" };
      });
      pluginBuild.onLoad({ filter: /[\\/]mime-types[\\/]index\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const populate = "populateMaps(exports.extensions, exports.types)";
        if (source.split(populate).length !== 2)
          throw new Error(`${args.path}: expected one "${populate}" to precompute`);
        const built = createRequire(args.path)(args.path) as {
          extensions: object;
          types: object;
          _extensionConflicts: unknown[];
        };
        Object.assign(data, {
          extensions: built.extensions,
          types: built.types,
          extensionConflicts: built._extensionConflicts,
        });
        const precomputed =
          `Object.assign(exports.extensions, ${fromDataFile("extensions")}); Object.assign(exports.types, ${fromDataFile("types")}); ` +
          `exports._extensionConflicts.push(...${fromDataFile("extensionConflicts")})`;
        return { contents: source.replace(populate, precomputed), loader: "js" };
      });
      pluginBuild.onEnd((result) => {
        if (result.errors.length > 0) return;
        if (!data.db || !data.types)
          throw new Error("mime-db and mime-types were not bundled: nothing to precompute");
        writeFileSync(path.join(outDir, MIME_DATA_FILE), JSON.stringify(data));
      });
    },
  };
}

/**
 * What the API reaches only through dynamic imports, on first use: the AWS SDK, through the app's facades
 * in app/aws/sdk/ (first AWS call), and jsonwebtoken (first signed-in request). Inside the handler's file
 * they would still be read, parsed and source-mapped at every cold start although nothing runs them; here
 * they are split off into ES modules under dist/api/lazy/ (esbuild code splitting), which the handler
 * imports when the app's `import()` runs. Code they share lands in shared chunks, loaded once, and a first
 * DynamoDB call loads only what DynamoDB needs, not S3 or Secrets Manager.
 */
export const lazyModules: Readonly<Record<string, string>> = {
  "aws-dynamodb": path.join(root, "app/aws/sdk/dynamodb.ts"),
  "aws-s3": path.join(root, "app/aws/sdk/s3.ts"),
  "aws-secrets-manager": path.join(root, "app/aws/sdk/secrets-manager.ts"),
  jsonwebtoken: "jsonwebtoken",
};

const LAZY_DIR = "lazy";

/**
 * The API's handler file is a small loader (app/entrypoints/lambda-api-loader.ts) that compiles the API
 * bundle, app.js, with a V8 code cache taken after a first request (app/entrypoints/code-cache.ts says why
 * Node's own compile cache cannot hold it). The loader never bundles the API: it reads app.js at run time.
 */
const API_LOADER = path.join(root, "app/entrypoints/lambda-api-loader.ts");
const API_BUNDLE_FILE = "app.js";

/**
 * The request schemas, the OpenAPI generator and the configuration's schemas, with the part of zod they
 * use: a CommonJS chunk (lazy/schemas.js) that the handler requires when a request first validates a body
 * or query, asks for /openapi.json, or the configuration is invalid; a cold start that does none of these
 * does not compile a quarter of the handler's code for nothing. zod's global registry ties the three
 * together (OpenAPI is generated from the schemas' metadata), so they make one chunk. Nothing in it may
 * import another module of the app, whose classes or state would then exist twice: the build checks.
 */
const SCHEMA_CHUNK = "schemas.js";
const schemaModules = ["app/http/schemas.ts", "app/http/openapi.ts", "app/config-schemas.ts"].map((file) =>
  path.join(root, file),
);
/** App modules the schema chunk may contain besides its entries: stateless helpers, safe to have twice. */
const schemaChunkHelpers = ["app/domain/iso-week.ts"].map((file) => path.join(root, file));

/** In the handler's bundle, an import of a lazy module stays an import (or require) of its file under lazy/. */
const lazyModuleImports: Plugin = {
  name: "lazy-module-imports",
  setup(pluginBuild) {
    const withoutExtension = (file: string) => file.replace(/\.ts$/, "");
    const byTarget = new Map([
      ...Object.entries(lazyModules).map(
        ([name, target]) => [withoutExtension(target), `${name}.mjs`] as const,
      ),
      ...schemaModules.map((file) => [withoutExtension(file), SCHEMA_CHUNK] as const),
    ]);
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
      const target = args.path.startsWith(".")
        ? withoutExtension(path.resolve(args.resolveDir, args.path))
        : args.path;
      const file = byTarget.get(target);
      return file ? { path: `./${LAZY_DIR}/${file}`, external: true } : undefined;
    });
  },
};

function checkSchemaChunk(metafile: Metafile): void {
  const appInputs = Object.keys(metafile.inputs)
    .map((input) => path.resolve(root, input))
    .filter((file) => file.startsWith(path.join(root, "app") + path.sep));
  const foreign = appInputs.filter(
    (file) => !schemaModules.includes(file) && !schemaChunkHelpers.includes(file),
  );
  if (foreign.length > 0) {
    throw new Error(
      `lazy/${SCHEMA_CHUNK} would bundle its own copy of ${foreign.map((f) => path.relative(root, f)).join(", ")}: import it lazily, or list it as a stateless helper`,
    );
  }
}

// CommonJS code inside the ES module chunks (jsonwebtoken, some SDK dependencies) calls require() for Node's
// built-ins; ES modules have no require, so each chunk gets one.
const REQUIRE_IN_ESM = `import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);`;

const SWAGGER_UI_FILES = [
  "swagger-ui.css",
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "favicon-32x32.png",
];

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  // Prefer the packages' ES module builds: esbuild can tree-shake those, which roughly halves the AWS SDK.
  mainFields: ["module", "main"],
  minify: true,
  sourcemap: "linked",
  // Stack traces need the mappings, not the sources: with NODE_OPTIONS=--enable-source-maps Node reads
  // and parses the whole map at load, and the sources made it four times bigger.
  sourcesContent: false,
  legalComments: "external",
  metafile: true,
  logLevel: "warning",
};

export async function bundle(): Promise<Record<keyof typeof bundles, Metafile>> {
  rmSync(dist, { recursive: true, force: true });
  const entries = Object.entries(bundles) as [keyof typeof bundles, string][];
  const handlers = entries.map(([name, entry]) =>
    build({
      ...common,
      format: "cjs",
      entryPoints: [path.join(root, entry)],
      outfile: path.join(dist, name, name === "api" ? API_BUNDLE_FILE : "index.js"),
      // The loader compiles app.js with vm, where import() needs an experimental API: esbuild writes each
      // import() as a require() on a resolved promise instead, and Node 22 requires the ES module chunks.
      supported: name === "api" ? { "dynamic-import": false } : undefined,
      plugins:
        name === "api"
          ? [utf8OnlyBodyDecoding, precomputedMimeTypes(path.join(dist, name)), lazyModuleImports]
          : [utf8OnlyBodyDecoding],
    }),
  );
  const apiLoader = build({
    ...common,
    format: "cjs",
    entryPoints: [API_LOADER],
    outfile: path.join(dist, "api", "index.js"),
  });
  const lazy = build({
    ...common,
    format: "esm",
    splitting: true,
    entryPoints: Object.entries(lazyModules).map(([name, target]) => ({ in: target, out: name })),
    outdir: path.join(dist, "api", LAZY_DIR),
    outExtension: { ".js": ".mjs" },
    chunkNames: "shared-[hash]",
    banner: { js: REQUIRE_IN_ESM },
  });
  const schemaChunk = build({
    ...common,
    format: "cjs",
    stdin: {
      contents: schemaModules.map((file) => `export * from ${JSON.stringify(file)};`).join("\n"),
      resolveDir: root,
      sourcefile: "schemas-chunk.ts",
      loader: "ts",
    },
    outfile: path.join(dist, "api", LAZY_DIR, SCHEMA_CHUNK),
  });
  const [handlerResults, loaderResult, lazyResult, schemaResult] = await Promise.all([
    Promise.all(handlers),
    apiLoader,
    lazy,
    schemaChunk,
  ]);
  checkSchemaChunk(schemaResult.metafile!);
  const metafiles = Object.fromEntries(
    entries.map(([name], i) => [name, handlerResults[i].metafile!]),
  ) as Record<keyof typeof bundles, Metafile>;
  const apiParts = [metafiles.api, loaderResult.metafile!, lazyResult.metafile!, schemaResult.metafile!];
  metafiles.api = {
    inputs: Object.assign({}, ...apiParts.map((part) => part.inputs)),
    outputs: Object.assign({}, ...apiParts.map((part) => part.outputs)),
  };

  const swaggerSource = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  mkdirSync(path.join(dist, "swagger-ui"), { recursive: true });
  for (const file of SWAGGER_UI_FILES)
    copyFileSync(path.join(swaggerSource, file), path.join(dist, "swagger-ui", file));

  return metafiles;
}

if (require.main === module) {
  bundle()
    .then((metafiles) => {
      for (const [name, metafile] of Object.entries(metafiles)) {
        const bytes = Object.entries(metafile.outputs)
          .filter(([file]) => /\.m?js$/.test(file))
          .reduce((sum, [, output]) => sum + output.bytes, 0);
        console.log(`dist/${name}: ${(bytes / 1024).toFixed(0)} KiB of JavaScript`);
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
