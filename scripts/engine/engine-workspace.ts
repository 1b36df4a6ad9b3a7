/**
 * A throwaway home for one stack under the real Pulumi CLI (.tools/bin/pulumi): a file state backend and
 * a passphrase secrets provider in a temporary directory, and a project directory holding a copy of
 * Pulumi.yaml (whose `main` points back at this repository's program) and of the stack file. The CLI
 * rewrites the stack file it uses (encryption salt, `secure:` values), so it never touches the
 * repository's own Pulumi.<stack>.yaml.
 *
 * Every command goes through tools/with-tools: Node 22 and the CLI from .tools, no update check, no
 * plugin download (the fake cloud is installed as the provider plugins), no registry look-up.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { previewArgs, upArgs } from "./pulumi-commands";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface EngineRun {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the command, for the notes and the bench; never asserted on. */
  readonly seconds: number;
  /** stdout and stderr together, the way a terminal shows them. */
  readonly output: string;
}

export interface WorkspaceOptions {
  readonly stack: string;
  /** The program's directory, relative to the repository (default: the repository itself). */
  readonly program?: string;
  /** Replaces the stack file's text (default: the repository's Pulumi.<stack>.yaml). */
  readonly stackFile?: string;
  /** Forwards the CLI's output to this process's as it runs (npm run preview:engine). */
  readonly echo?: boolean;
}

export class EngineWorkspace {
  readonly projectDir: string;
  private readonly stateDir: string;
  private readonly passphrase = randomBytes(24).toString("base64url");

  private constructor(
    readonly stack: string,
    private readonly root: string,
    private readonly echo: boolean,
  ) {
    this.projectDir = path.join(root, "project");
    this.stateDir = path.join(root, "state");
  }

  /** Creates the workspace and `pulumi stack init`s the stack in it. */
  static async open(options: WorkspaceOptions): Promise<EngineWorkspace> {
    const root = mkdtempSync(path.join(tmpdir(), `shop-engine-${options.stack}-`));
    const workspace = new EngineWorkspace(options.stack, root, options.echo ?? false);
    mkdirSync(workspace.projectDir);
    mkdirSync(workspace.stateDir);
    const program = path.join(repoRoot, options.program ?? ".");
    const main = path.relative(workspace.projectDir, program);
    const project = readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
    writeFileSync(
      path.join(workspace.projectDir, "Pulumi.yaml"),
      project.replace(/^runtime:/m, `main: ${main}\nruntime:`),
    );
    // The commands name the pack relatively, exactly as the buildspecs do from the repository root.
    symlinkSync(path.join(repoRoot, "policies"), path.join(workspace.projectDir, "policies"));
    writeFileSync(
      workspace.stackFilePath,
      options.stackFile ?? readFileSync(path.join(repoRoot, `Pulumi.${options.stack}.yaml`), "utf8"),
    );
    const init = await workspace.pulumi(["stack", "init", options.stack, "--secrets-provider", "passphrase"]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${init.output}`);
    return workspace;
  }

  get stackFilePath(): string {
    return path.join(this.projectDir, `Pulumi.${this.stack}.yaml`);
  }

  /** The stack file as the CLI left it (with its encryption salt and any `secure:` values). */
  stackFile(): string {
    return readFileSync(this.stackFilePath, "utf8");
  }

  writeStackFile(text: string): void {
    writeFileSync(this.stackFilePath, text);
  }

  preview(extra: readonly string[] = []): Promise<EngineRun> {
    return this.pulumi([...previewArgs(this.stack), ...extra]);
  }

  up(options: { imageUri?: string } = {}, extra: readonly string[] = []): Promise<EngineRun> {
    return this.pulumi([...upArgs(this.stack, options), "--skip-preview", ...extra]);
  }

  destroy(): Promise<EngineRun> {
    return this.pulumi(["destroy", "--yes", "--stack", this.stack, "--non-interactive", "--skip-preview"]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.ok(["stack", "output", "--json", "--stack", this.stack])).stdout);
  }

  /** The stack's state as `pulumi stack export` writes it (secrets stay encrypted). */
  async exportState(): Promise<string> {
    return (await this.ok(["stack", "export", "--stack", this.stack])).stdout;
  }

  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    const secret = options.secret ? ["--secret"] : [];
    // After `--`, so a value that starts with a dash is a value.
    await this.ok(["config", "set", ...secret, "--stack", this.stack, "--", key, value]);
  }

  /** Runs a command and fails with its output when it exits non-zero. */
  async ok(args: readonly string[]): Promise<EngineRun> {
    const run = await this.pulumi(args);
    if (run.code !== 0) throw new Error(`${run.command} exited ${run.code}:\n${run.output}`);
    return run;
  }

  pulumi(args: readonly string[]): Promise<EngineRun> {
    const started = process.hrtime.bigint();
    const command = `pulumi ${args.join(" ")}`;
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(repoRoot, "tools", "with-tools"), ["pulumi", ...args], {
        cwd: this.projectDir,
        env: {
          ...process.env,
          PULUMI_BACKEND_URL: `file://${this.stateDir}`,
          PULUMI_CONFIG_PASSPHRASE: this.passphrase,
          // No colours or progress animation in captured output.
          NO_COLOR: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk;
        output += chunk;
        if (this.echo) process.stdout.write(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk;
        output += chunk;
        if (this.echo) process.stderr.write(chunk);
      });
      child.on("error", reject);
      child.on("close", (code) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ command, code: code ?? 1, stdout, stderr, output, seconds });
      });
    });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
