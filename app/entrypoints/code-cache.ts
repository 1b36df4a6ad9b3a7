/**
 * Loads a CommonJS bundle with a V8 code cache taken after it has run, not just after it was compiled.
 *
 * Node's module compile cache (NODE_COMPILE_CACHE) stores V8's code for a module as it stands right after
 * compilation: the top level only. V8 compiles functions lazily, on their first call, and in an esbuild
 * bundle every module is such a function, so at each cold start V8 still compiled nearly all the code the
 * handler runs. `vm.Script#createCachedData()` called after a first request holds every function compiled
 * by then; a Lambda started from it skips that work (bench/report/optimisations.md has the figures).
 *
 * The cache file starts with the bundle's CRC-32 and byte length. V8 checks its own version and flags
 * but, of the source, only its length, so it accepts the cache of a rebuilt bundle of the same length
 * (tests/app/code-cache.test.ts shows it); a mismatch here drops the cache. Either refusal is reported as a process warning and the bundle is then
 * compiled as usual: a refused cache costs time, never correctness.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { crc32 } from "node:zlib";

/** What became of the cache: used; refused by V8 (another Node or other V8 flags); for another build; none. */
export type CodeCacheStatus = "accepted" | "rejected" | "stale" | "absent";

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly codeCacheStatus: CodeCacheStatus;
  /** Writes V8's code for everything the bundle has run so far, for later loads of the same bundle. */
  writeCodeCache(cacheFile: string): void;
}

const HEADER_BYTES = 8;
// The wrapper opens on a line of its own and lineOffset takes it back, so positions in stack traces and
// source maps are the bundle file's own.
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

function header(bytes: Buffer): Buffer {
  const result = Buffer.alloc(HEADER_BYTES);
  result.writeUInt32BE(crc32(bytes), 0);
  result.writeUInt32BE(bytes.length, 4);
  return result;
}

function readCache(cacheFile: string, expected: Buffer): Buffer | "stale" | undefined {
  let contents: Buffer;
  try {
    contents = readFileSync(cacheFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return contents.subarray(0, HEADER_BYTES).equals(expected) ? contents.subarray(HEADER_BYTES) : "stale";
}

// Modules that carry the bundles' source maps for Node; the map entry lives as long as its module does.
const sourceMapCarriers: Module[] = [];

/**
 * With --enable-source-maps Node maps stack frames through the source maps of the modules its own loaders
 * compiled; code compiled by `vm.Script` has none. Compiling a module that is nothing but the bundle's
 * sourceMappingURL comment, under the bundle's file name, files the bundle's map where Node looks it up,
 * so a stack trace names the TypeScript sources exactly as for a bundle loaded by `require`.
 */
function registerSourceMap(file: string, source: string): void {
  if (!process.sourceMapsEnabled) return;
  const comment = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(source);
  if (!comment) return;
  const carrier = new Module(file);
  (carrier as unknown as { _compile(content: string, filename: string): void })._compile(
    `//# sourceMappingURL=${comment[1]}\n`,
    file,
  );
  sourceMapCarriers.push(carrier);
}

export function loadWithCodeCache(file: string, cacheFile: string | undefined): LoadedBundle {
  const bytes = readFileSync(file);
  const source = bytes.toString("utf8");
  const expected = header(bytes);
  const cached = cacheFile === undefined ? undefined : readCache(cacheFile, expected);
  const script = new vm.Script(`${WRAPPER_START}${source}${WRAPPER_END}`, {
    filename: file,
    lineOffset: -1,
    cachedData: cached instanceof Buffer ? cached : undefined,
    // No importModuleDynamically: code compiled by vm can only import() through an experimental API, so
    // the bundle is built without import() (scripts/bundle.ts) and loads its ES module chunks with require.
  });
  const codeCacheStatus: CodeCacheStatus =
    cached === undefined
      ? "absent"
      : cached === "stale"
        ? "stale"
        : script.cachedDataRejected
          ? "rejected"
          : "accepted";
  if (codeCacheStatus === "stale" || codeCacheStatus === "rejected") {
    process.emitWarning(
      codeCacheStatus === "stale"
        ? `${cacheFile} was made for another build of ${file}; compiling without it`
        : `V8 refused ${cacheFile} (made by another Node or under other V8 flags); compiling without it`,
      { code: "SHOP_CODE_CACHE_UNUSED" },
    );
  }
  registerSourceMap(file, source);

  const module = new Module(file);
  module.filename = file;
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;

  return {
    exports: module.exports as Record<string, unknown>,
    codeCacheStatus,
    writeCodeCache(target) {
      writeFileSync(target, Buffer.concat([expected, script.createCachedData()]));
    },
  };
}
