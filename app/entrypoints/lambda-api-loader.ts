/**
 * The API function's handler file, dist/api/index.js: it loads the API itself (dist/api/app.js, bundled
 * from lambda-api.ts) with the V8 code cache that the image's build fills after a first request
 * (scripts/fill-compile-cache.mjs), one per memory size the API runs with, and keeps beside Node's compile
 * cache in NODE_COMPILE_CACHE's directory. Without that variable, or without a cache this V8 can use, the
 * API loads as it would without one.
 */
import path from "node:path";
import { loadWithCodeCache, type CodeCacheLocation } from "./code-cache";

type ApiHandler = typeof import("./lambda-api").handler;

const cacheDir = process.env.NODE_COMPILE_CACHE;
const location = (dir: string): CodeCacheLocation => ({ dir, name: "api-app.js" });
const api = loadWithCodeCache(path.join(__dirname, "app.js"), cacheDir ? location(cacheDir) : undefined);

export const handler = api.exports.handler as ApiHandler;

/** Whether this cold start used the cache: "accepted", "rejected", "stale", "unmatched" or "absent". */
export const codeCacheStatus = api.codeCacheStatus;

/** For the image build: writes this process's cache into `dir`, the directory NODE_COMPILE_CACHE will name. */
export function writeCodeCache(dir: string): void {
  api.writeCodeCache(location(dir));
}
