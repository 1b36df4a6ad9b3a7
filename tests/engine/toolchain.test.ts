/** The toolchain the engine tests run on: the versions tools/versions.json and package-lock.json pin. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot, requireToolchain } from "./support/engine";

const withTools = (...args: string[]) =>
  execFileSync(path.join(repoRoot, "tools", "with-tools"), args, { encoding: "utf8" }).trim();
const versions = JSON.parse(readFileSync(path.join(repoRoot, "tools", "versions.json"), "utf8"));
const lock = JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
const locked = (name: string): string => lock.packages[`node_modules/${name}`].version;

/** "v3.276.0" / "3.276.0" -> [3, 276, 0]. */
const semver = (text: string) => text.replace(/^v/, "").split(/[.-]/).slice(0, 3).map(Number);
const atLeast = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
};

describe("engine: toolchain", () => {
  before(requireToolchain);

  it("runs on Node 22, the Lambda's runtime", () => {
    assert.equal(process.versions.node.split(".")[0], "22");
    assert.equal(withTools("node", "--version"), `v${versions.node.version}`);
  });

  it("has a Pulumi CLI no older than the @pulumi/pulumi SDK the program uses", () => {
    const cli = withTools("pulumi", "version");
    assert.equal(cli, `v${versions.pulumi.version}`);
    const sdk = locked("@pulumi/pulumi");
    assert.ok(atLeast(semver(cli), semver(sdk)), `CLI ${cli} is older than the SDK ${sdk}`);
  });

  it("has the fake cloud installed as the provider plugins, at the versions package-lock.json pins", () => {
    const plugins = JSON.parse(withTools("pulumi", "plugin", "ls", "--json")) as {
      name: string;
      version: string;
      kind: string;
    }[];
    for (const name of versions["fake-cloud-plugins"].packages as string[]) {
      const plugin = plugins.find((p) => p.kind === "resource" && p.name === name);
      assert.ok(plugin, `no ${name} plugin installed`);
      assert.equal(plugin.version, locked(`@pulumi/${name}`));
    }
  });
});
