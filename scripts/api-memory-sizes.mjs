/**
 * `node scripts/api-memory-sizes.mjs`: prints the memory sizes (MB) the API function runs with across the
 * stacks, `shop-infra:apiMemoryMb` of every Pulumi.<stack>.yaml, distinct and space-separated: the
 * pipelines build one image for all of them and pass this as the Dockerfile's API_MEMORY_SIZES, so that
 * its code caches are filled under the Lambda runtime's flags for each (scripts/lambda-node-flags.mjs).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** @returns {number[]} */
export function apiMemorySizes(dir = root) {
  const sizes = new Set();
  for (const file of readdirSync(dir).filter((name) => /^Pulumi\.[^.]+\.yaml$/.test(name))) {
    const match = /^\s+shop-infra:apiMemoryMb:\s*["']?(\d+)["']?\s*$/m.exec(
      readFileSync(path.join(dir, file), "utf8"),
    );
    if (match) sizes.add(Number(match[1]));
  }
  return [...sizes].sort((a, b) => a - b);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(apiMemorySizes().join(" "));
