/**
 * Loads a CommonJS bundle with a V8 code cache taken after it has run, not just after it was compiled.
 *
 * Node's module compile cache (NODE_COMPILE_CACHE) stores V8's code for a module as it stands right after
 * compilation: the top level only. V8 compiles functions lazily, on their first call, and in an esbuild
 * bundle every module is such a function, so at each cold start V8 still compiled nearly all the code the
 * handler runs. `vm.Script#createCachedData()` called after a first request holds every function compiled
 * by then; a Lambda started from it skips that work (bench/report/optimisations.md has the figures).
 *
 * V8 only runs code made by the same V8 under the same V8 flags (the Lambda runtime passes heap sizes that
 * follow the function's memory), so a cache directory holds one file per `v8.cachedDataVersionTag()`, which
 * stands for exactly that, and a process reads the one for its own. Each file starts with the bundle's
 * CRC-32 and byte length: of the source, V8 checks only its length, so it accepts the cache of a rebuilt
 * bundle of the same length (tests/app/code-cache.test.ts shows it), and a mismatch here drops the cache.
 * A cache that cannot be used is reported as a process warning and the bundle is compiled as usual: it
 * costs time, never correctness.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { crc32 } from "node:zlib";

/**
 * What became of the cache: used; refused by V8; made for another build of the bundle; none for this V8
 * and its flags although the directory has some for others; no cache at all.
 */
export type CodeCacheStatus = "accepted" | "rejected" | "stale" | "unmatched" | "absent";

/** Where a bundle's caches live: `<dir>/<name>.<V8 version tag>.v8-code-cache`, one per V8 and flag set. */
export interface CodeCacheLocation {
  readonly dir: string;
  readonly name: string;
}

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly codeCacheStatus: CodeCacheStatus;
  /** Writes V8's code for everything the bundle has run so far, for later loads under this V8 and flags. */
  writeCodeCache(location: CodeCacheLocation): void;
}

const HEADER_BYTES = 8;
const SUFFIX = ".v8-code-cache";
// The wrapper opens on a line of its own and lineOffset takes it back, so positions in stack traces and
// source maps are the bundle file's own.
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

function cacheFileFor({ dir, name }: CodeCacheLocation): string {
  return path.join(dir, `${name}.${v8.cachedDataVersionTag().toString(16)}${SUFFIX}`);
}

function header(bytes: Buffer): Buffer {
  const result = Buffer.alloc(HEADER_BYTES);
  result.writeUInt32BE(crc32(bytes), 0);
  result.writeUInt32BE(bytes.length, 4);
  return result;
}

function readCache(location: CodeCacheLocation, expected: Buffer): Buffer | "stale" | "unmatched" | "absent" {
  let contents: Buffer;
  try {
    contents = readFileSync(cacheFileFor(location));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    let names: string[] = [];
    try {
      names = readdirSync(location.dir);
    } catch {
      // no directory: no cache
    }
    const others = names.some((file) => file.startsWith(`${location.name}.`) && file.endsWith(SUFFIX));
    return others ? "unmatched" : "absent";
  }
  return contents.subarray(0, HEADER_BYTES).equals(expected) ? contents.subarray(HEADER_BYTES) : "stale";
}

const UNUSED: Partial<Record<CodeCacheStatus, string>> = {
  rejected: "V8 refused it",
  stale: "it was made for another build of the bundle",
  unmatched: "there is none for this V8 and its flags (was the image built for this function's memory size?)",
};

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

export function loadWithCodeCache(file: string, location: CodeCacheLocation | undefined): LoadedBundle {
  const bytes = readFileSync(file);
  const source = bytes.toString("utf8");
  const expected = header(bytes);
  const cached = location === undefined ? "absent" : readCache(location, expected);
  const script = new vm.Script(`${WRAPPER_START}${source}${WRAPPER_END}`, {
    filename: file,
    lineOffset: -1,
    cachedData: typeof cached === "string" ? undefined : cached,
    // No importModuleDynamically: code compiled by vm can only import() through an experimental API, so
    // the bundle is built without import() (scripts/bundle.ts) and loads its ES module chunks with require.
  });
  const codeCacheStatus: CodeCacheStatus =
    typeof cached === "string" ? cached : script.cachedDataRejected ? "rejected" : "accepted";
  const reason = UNUSED[codeCacheStatus];
  if (reason) {
    process.emitWarning(`${file}: compiling without a code cache from ${location!.dir}: ${reason}`, {
      code: "SHOP_CODE_CACHE_UNUSED",
    });
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
      writeFileSync(cacheFileFor(target), Buffer.concat([expected, script.createCachedData()]));
    },
  };
}
