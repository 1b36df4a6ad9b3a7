/**
 * The API function's handler file, dist/api/index.js: it loads the API itself (dist/api/app.js, bundled
 * from lambda-api.ts) with the V8 code cache that the image's build fills after a first request
 * (scripts/fill-compile-cache.mjs) and keeps beside Node's compile cache, in NODE_COMPILE_CACHE's
 * directory. Without that variable, or with a cache V8 refuses, the API loads as it would without one.
 */
import path from "node:path";
import { loadWithCodeCache } from "./code-cache";

type ApiHandler = typeof import("./lambda-api").handler;

const CODE_CACHE_FILE = "api-app.js.v8-code-cache";

const cacheDir = process.env.NODE_COMPILE_CACHE;
const api = loadWithCodeCache(
  path.join(__dirname, "app.js"),
  cacheDir ? path.join(cacheDir, CODE_CACHE_FILE) : undefined,
);

export const handler = api.exports.handler as ApiHandler;

/** Whether this cold start used the cache: "accepted", "rejected", "stale" or "absent". */
export const codeCacheStatus = api.codeCacheStatus;

/** For the image build: writes the cache into `dir`, the directory NODE_COMPILE_CACHE will name. */
export function writeCodeCache(dir: string): void {
  api.writeCodeCache(path.join(dir, CODE_CACHE_FILE));
}
