import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync, type BuildOptions } from "esbuild";

/** One CommonJS file for Node from `entry`, as esbuild bundles ours (scripts/bundle.ts). */
function buildCommonJs(entry: string, outfile: string, options: BuildOptions = {}): void {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    ...options,
  });
}

/**
 * The API's loader (app/entrypoints/code-cache.ts), each case in a fresh Node process as in a cold start:
 * a bundle built like ours (minified, linked source map) is loaded, its cache written, and loaded again.
 */
describe("loading a bundle with a V8 code cache (app/entrypoints/code-cache.ts)", function () {
  this.timeout(60_000);
  let dir: string;
  let bundleFile: string;
  let cacheDir: string;
  let driver: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "shop-code-cache-"));
    writeFileSync(
      path.join(dir, "bundled.ts"),
      [
        "export function triple(value: number): number {",
        "  return value * 3;",
        "}",
        "",
        "export function fail(): never {",
        '  throw new Error("failed on purpose");',
        "}",
        "",
      ].join("\n"),
    );
    bundleFile = path.join(dir, "bundle.js");
    cacheDir = path.join(dir, "cache");
    buildCommonJs(path.join(dir, "bundled.ts"), bundleFile, { minify: true, sourcemap: "linked" });
    // The driver loads the bundle through the real loader, reports what it saw and, when asked, writes the cache.
    writeFileSync(
      path.join(dir, "driver.ts"),
      [
        `import { loadWithCodeCache } from ${JSON.stringify(path.resolve("app/entrypoints/code-cache.ts"))};`,
        "const [file, dir, write] = process.argv.slice(2);",
        "const loaded = loadWithCodeCache(file, { dir, name: 'bundle.js' });",
        "const bundle = loaded.exports as { triple(value: number): number; fail(): never };",
        "let stack = '';",
        "try { bundle.fail(); } catch (error) { stack = (error as Error).stack ?? ''; }",
        "if (write === 'write') loaded.writeCodeCache({ dir, name: 'bundle.js' });",
        "console.log(JSON.stringify({ status: loaded.codeCacheStatus, tripled: bundle.triple(7), stack }));",
      ].join("\n"),
    );
    driver = path.join(dir, "driver.js");
    buildCommonJs(path.join(dir, "driver.ts"), driver);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const warningsFile = () => path.join(dir, "warnings");

  /** One cold load in a fresh Node; process warnings go to a file (Node's --redirect-warnings) for the checks. */
  function load(nodeArgs: string[] = [], write = false) {
    rmSync(warningsFile(), { force: true });
    const stdout = execFileSync(
      process.execPath,
      [
        `--redirect-warnings=${warningsFile()}`,
        ...nodeArgs,
        driver,
        bundleFile,
        cacheDir,
        write ? "write" : "",
      ],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const warnings = existsSync(warningsFile()) ? readFileSync(warningsFile(), "utf8") : "";
    return { ...(JSON.parse(stdout) as { status: string; tripled: number; stack: string }), warnings };
  }

  const cacheFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);
  const freshCache = () => {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir);
  };

  it("runs the bundle without a cache, writes one after running it, and the next process uses it", () => {
    freshCache();
    const first = load([], true);
    assert.equal(first.status, "absent");
    assert.equal(first.tripled, 21);
    assert.equal(first.warnings, "", "no cache at all is not worth a warning");
    const [file] = cacheFiles();
    assert.match(file, /^bundle\.js\.[0-9a-f]+\.v8-code-cache$/);
    assert.ok(statSync(path.join(cacheDir, file)).size > 8, "a cache beyond its 8-byte header");

    const second = load();
    assert.equal(second.status, "accepted");
    assert.equal(second.tripled, 21);
    assert.equal(second.warnings, "", "an accepted cache warns of nothing");
  });

  it("drops the cache of another build of the same length, which V8's own check accepts, and warns", () => {
    freshCache();
    load([], true);
    const original = readFileSync(bundleFile, "utf8");
    assert.match(original, /\*3\b/);
    try {
      // Same length, other code: V8 checks only the length of the source (without the loader's own
      // check, V8 reports this cache "accepted").
      writeFileSync(bundleFile, original.replace("*3", "*4"));
      const changed = load();
      assert.equal(changed.status, "stale");
      assert.equal(changed.tripled, 28, "the new code runs, not the cached one");
      assert.match(changed.warnings, /SHOP_CODE_CACHE_UNUSED.*made for another build/);
    } finally {
      writeFileSync(bundleFile, original);
    }
  });

  it("keeps one cache per set of V8 flags, and says so when none matches this process's", () => {
    freshCache();
    load([], true);
    const otherFlags = ["--max-semi-space-size=4", "--max-old-space-size=900"];
    const unmatched = load(otherFlags);
    assert.equal(unmatched.status, "unmatched");
    assert.equal(unmatched.tripled, 21);
    assert.match(unmatched.warnings, /SHOP_CODE_CACHE_UNUSED.*none for this V8 and its flags/);

    load(otherFlags, true);
    assert.equal(cacheFiles().length, 2, "a second file, beside the first");
    assert.equal(load(otherFlags).status, "accepted");
    assert.equal(load().status, "accepted");
  });

  it("compiles without a cache V8 refuses (a damaged file), and warns", () => {
    freshCache();
    load([], true);
    const [file] = cacheFiles();
    const cache = readFileSync(path.join(cacheDir, file));
    writeFileSync(path.join(cacheDir, file), cache.subarray(0, cache.length >> 1));
    const refused = load();
    assert.equal(refused.status, "rejected");
    assert.equal(refused.tripled, 21);
    assert.match(refused.warnings, /SHOP_CODE_CACHE_UNUSED.*V8 refused it/);
  });

  it("maps stack traces to the TypeScript sources with --enable-source-maps, as a required bundle would", () => {
    freshCache();
    load([], true);
    const mapped = load(["--enable-source-maps"]);
    assert.equal(mapped.status, "accepted");
    // fail() throws on line 6, column 9 of bundled.ts.
    assert.match(mapped.stack, /bundled\.ts:6:9\)?\n/);
    assert.doesNotMatch(mapped.stack, /bundle\.js:/);

    const unmapped = load();
    assert.match(unmapped.stack, /bundle\.js:\d+:\d+/, "without the flag, the bundle's own positions");
  });
});
