/**
 * The GitHub Actions workflows as the tests read them: parsed YAML of .github/workflows, and the token
 * subject GitHub would give a job (the rules of components/ci-pipeline/github-identities.ts).
 */
import * as path from "node:path";
import { listRepoDir, readRepoYaml } from "./repo-files";

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, string | number | boolean>;
  readonly env?: Record<string, string>;
}

export interface Job {
  readonly name?: string;
  readonly if?: string;
  readonly needs?: string | string[];
  readonly uses?: string;
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { readonly name: string; readonly url?: string };
  readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean };
  readonly strategy?: { readonly matrix?: Record<string, unknown[]> };
  readonly outputs?: Record<string, string>;
  readonly steps?: Step[];
}

export interface Workflow {
  readonly file: string;
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly jobs: Record<string, Job>;
}

export const workflowDir = ".github/workflows";

export function readWorkflows(): Workflow[] {
  return listRepoDir(workflowDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => {
      const parsed = readRepoYaml<Omit<Workflow, "file">>(path.posix.join(workflowDir, file));
      return { ...parsed, file };
    });
}

export function workflow(file: string): Workflow {
  const found = readWorkflows().find((w) => w.file === file);
  if (!found) throw new Error(`no workflow ${file}`);
  return found;
}

export const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

export const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;

/** Branches a trigger is limited to (`on.<event>.branches`). */
export function triggerBranches(w: Workflow, event: string): string[] | undefined {
  const trigger = w.on[event] as { branches?: string[] } | null | undefined;
  return trigger?.branches;
}

/** The `sub` of a job's OIDC token under GitHub's default claim template, or why there is none. */
export function tokenSubject(w: Workflow, job: Job, repository: string): string {
  const environment = environmentOf(job);
  if (environment !== undefined) return `repo:${repository}:environment:${environment}`;
  const events = Object.keys(w.on);
  if (events.length !== 1) {
    throw new Error(`${w.file}: a job without an environment assumes a role under ${events.join(", ")}`);
  }
  if (events[0] === "pull_request") return `repo:${repository}:pull_request`;
  const branches = triggerBranches(w, events[0]);
  if (events[0] === "push" && branches?.length === 1 && !/[*?!]/.test(branches[0])) {
    return `repo:${repository}:ref:refs/heads/${branches[0]}`;
  }
  throw new Error(`${w.file}: a role is assumed under "${events[0]}" on ${String(branches)}`);
}

/** A step's action without its ref: `actions/checkout`, or a local `./path`. */
export const actionName = (uses: string): string => uses.split("@")[0];

/** `${{ vars.NAME }}` in an input, or undefined. */
export const variableIn = (value: unknown): string | undefined =>
  /^\$\{\{\s*vars\.(\w+)\s*\}\}$/.exec(String(value ?? ""))?.[1];
