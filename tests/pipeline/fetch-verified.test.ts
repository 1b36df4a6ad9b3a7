import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repositoryRoot } from "./support/repo-files";

const script = path.join(repositoryRoot, "buildspec", "fetch-verified.sh");

/**
 * Runs fetch-verified.sh with `curl` replaced by a stand-in that "downloads" a local archive (the real
 * download needs the network; what is under test is the script's refusal of a wrong archive).
 */
function runScript(
  args: string[],
  archive: string,
  workDir: string,
): { status: number | null; stderr: string } {
  const bin = path.join(workDir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const fakeCurl = path.join(bin, "curl");
  fs.writeFileSync(
    fakeCurl,
    `#!/usr/bin/env bash\nwhile [[ $# -gt 0 ]]; do if [[ "$1" == "--output" ]]; then cp "${archive}" "$2"; shift; fi; shift; done\n`,
    { mode: 0o755 },
  );
  const result = spawnSync("bash", [script, ...args], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr };
}

describe("buildspec/fetch-verified.sh", () => {
  let workDir: string;
  let archive: string;
  let archiveSha256: string;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-verified-"));
    const content = path.join(workDir, "content");
    fs.mkdirSync(content);
    fs.writeFileSync(path.join(content, "scanner"), "#!/bin/sh\necho scanner 1.0\n", { mode: 0o755 });
    archive = path.join(workDir, "scanner.tar.gz");
    assert.equal(spawnSync("tar", ["-czf", archive, "-C", content, "scanner"]).status, 0);
    archiveSha256 = createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
    fs.mkdirSync(path.join(workDir, "out"));
  });

  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it("unpacks the archive when its SHA-256 is the pinned one", () => {
    const out = path.join(workDir, "out");
    const result = runScript(
      ["https://example.invalid/scanner.tar.gz", archiveSha256, "-C", out, "scanner"],
      archive,
      workDir,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(out, "scanner"), "utf8"), "#!/bin/sh\necho scanner 1.0\n");
  });

  it("refuses an archive whose SHA-256 differs, and unpacks nothing", () => {
    const out = path.join(workDir, "out");
    const otherDigest = createHash("sha256").update("a different release").digest("hex");
    const result = runScript(
      ["https://example.invalid/scanner.tar.gz", otherDigest, "-C", out, "scanner"],
      archive,
      workDir,
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /does not match the pinned SHA-256/);
    assert.deepEqual(fs.readdirSync(out), []);
  });

  it("rejects a pin that is not a SHA-256 digest before downloading anything", () => {
    const result = runScript(
      ["https://example.invalid/scanner.tar.gz", "latest", "-C", workDir],
      archive,
      workDir,
    );
    assert.equal(result.status, 65);
    assert.match(result.stderr, /not a SHA-256 digest/);
  });

  it("requires a URL, a digest and tar arguments", () => {
    assert.equal(
      runScript(["https://example.invalid/scanner.tar.gz", archiveSha256], archive, workDir).status,
      64,
    );
  });
});
