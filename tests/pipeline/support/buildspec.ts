/** The shape of a CodeBuild buildspec (version 0.2) as far as the pipeline tests read it. */
import { readRepoYaml } from "./repo-files";

export interface Buildspec {
  readonly version: number | string;
  readonly env?: {
    readonly shell?: string;
    readonly variables?: Record<string, string>;
    readonly "secrets-manager"?: Record<string, string>;
    readonly "parameter-store"?: Record<string, string>;
    readonly "exported-variables"?: string[];
  };
  readonly phases: Record<
    string,
    { readonly "runtime-versions"?: Record<string, unknown>; readonly commands?: string[] }
  >;
  readonly reports?: Record<
    string,
    { readonly files: string[]; readonly "file-format": string; readonly "base-directory"?: string }
  >;
  readonly artifacts?: { readonly files: string[]; readonly "exclude-paths"?: string[] };
  readonly cache?: { readonly paths: string[] };
}

export const buildspecFiles = [
  "buildspec/build.yml",
  "buildspec/preview.yml",
  "buildspec/deploy.yml",
] as const;

export const readBuildspec = (file: string): Buildspec => readRepoYaml<Buildspec>(file);

/** Every command of every phase, in order. */
export function commandsOf(spec: Buildspec): string[] {
  return Object.values(spec.phases).flatMap((phase) => phase.commands ?? []);
}

/** The `npm run <script>` invocations in a command (flags such as --silent may come before the name). */
export function npmScriptsCalled(command: string): string[] {
  return [...command.matchAll(/\bnpm run(?:-script)?\b([^;&|\n]*)/g)].flatMap((match) => {
    const name = match[1]
      .trim()
      .split(/\s+/)
      .find((word) => !word.startsWith("-"));
    return name ? [name] : [];
  });
}
