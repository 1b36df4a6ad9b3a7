/**
 * A tag for the image that changes whenever the build context changes: `<version>-<12 hex of a SHA-256
 * over every file of the context>`. The repository's tags are IMMUTABLE, so pushing changed code under a
 * reused tag would fail; hashing the context gives each distinct build its own tag while an unchanged tree
 * keeps its tag (and `pulumi up` has nothing to push).
 *
 * Hashing more than Docker sends (the context minus .dockerignore) is deliberate: an extra file only
 * produces a new tag for the same digest, while a missed file could reuse a tag for different bytes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Directories that never belong to an image build context (dependencies, VCS data, build output). */
const skippedDirectories = new Set([
  "node_modules",
  ".git",
  ".tools",
  "dist",
  "coverage",
  ".data",
  ".nyc_output",
]);

function contextFiles(directory: string, relative = ""): string[] {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- walking the build context is the point
  return fs
    .readdirSync(path.join(directory, relative), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const entryPath = path.join(relative, entry.name);
      if (entry.isDirectory())
        return skippedDirectories.has(entry.name) ? [] : contextFiles(directory, entryPath);
      return entry.isFile() ? [entryPath] : [];
    });
}

/** Hash of the context directory's file names and contents, plus any build arguments that shape the image. */
export function contextHash(
  contextDirectory: string,
  buildArgs: Readonly<Record<string, string>> = {},
): string {
  const hash = createHash("sha256");
  for (const file of contextFiles(contextDirectory)) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file found by contextFiles above
    const content = fs.readFileSync(path.join(contextDirectory, file));
    hash.update(file.split(path.sep).join("/")).update("\0").update(content).update("\0");
  }
  hash.update(JSON.stringify(Object.entries(buildArgs).sort()));
  return hash.digest("hex");
}

/** `<version>-<first 12 hex of contextHash>`, e.g. `0.1.0-3fa2b1c4d5e6`. */
export function contentTag(
  version: string,
  contextDirectory: string,
  buildArgs: Readonly<Record<string, string>> = {},
): string {
  return `${version}-${contextHash(contextDirectory, buildArgs).slice(0, 12)}`;
}
