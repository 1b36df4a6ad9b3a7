/** Reading the repository's delivery files the way the tools that consume them do. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const repositoryRoot = path.resolve(__dirname, "..", "..", "..");

export function readRepoFile(relativePath: string): string {
  return fs.readFileSync(path.join(repositoryRoot, relativePath), "utf8");
}

export function readRepoYaml<T>(relativePath: string): T {
  return parse(readRepoFile(relativePath)) as T;
}

export function listRepoDir(relativePath: string): string[] {
  return fs.readdirSync(path.join(repositoryRoot, relativePath)).sort();
}

export const packageScripts = (): Record<string, string> =>
  (JSON.parse(readRepoFile("package.json")) as { scripts: Record<string, string> }).scripts;
