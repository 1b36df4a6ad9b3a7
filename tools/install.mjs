#!/usr/bin/env node
// `npm run tools`: installs every tool in tools/versions.json into .tools/ from the package registries this
// project can reach (npm, PyPI, the Go module proxy, Debian), never from a download site.
//
// Plain JavaScript with no dependencies, because it runs before node_modules exists and on whatever Node
// the machine has (it is what brings Node 22). Idempotent: a tool already built for its entry in
// versions.json (in the machine's tool cache, see `install` below) is only linked, so a warm run takes
// about a second; a build that must run again reuses Go's and pip's own caches.
//
//   node tools/install.mjs [--quiet] [--only name,name]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const home = join(root, ".tools");
const bin = join(home, "bin");
const stamps = join(home, "stamps");
const versions = JSON.parse(readFileSync(join(root, "tools", "versions.json"), "utf8"));

const args = process.argv.slice(2);
const quiet = args.includes("--quiet");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(",")) : undefined;

class RegistryRefused extends Error {}

/** Runs a command; resolves with its stdout, rejects with the last lines it printed. */
const run = (command, commandArgs, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => reject(new RegistryRefused(`${command}: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) return resolve(stdout);
      const last = (stderr || stdout).trim().split("\n").filter(Boolean).slice(-3).join(" | ");
      reject(new RegistryRefused(`${command} ${commandArgs.slice(0, 3).join(" ")} exited ${code}: ${last}`));
    });
  });

const link = (target, name) => {
  const path = join(bin, name);
  rmSync(path, { force: true });
  symlinkSync(target, path);
};

const scratch = () => mkdtempSync(join(tmpdir(), "shop-tools-"));

/** Versions package-lock.json pins for the Pulumi provider packages: the plugins must report exactly these. */
const lockedPluginVersions = (packages) => {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  return Object.fromEntries(
    packages.map((name) => {
      const entry = lock.packages?.[`node_modules/@pulumi/${name}`];
      if (!entry?.version) throw new Error(`package-lock.json has no @pulumi/${name}`);
      return [name, entry.version];
    }),
  );
};

// Each installer fills `target`, a fresh directory of the tool cache, and returns the executables it
// made there (relative paths) by the names they get in .tools/bin.
const installers = {
  async npm(name, spec, target) {
    const dir = scratch();
    try {
      const file = (
        await run("npm", ["pack", `${spec.package}@${spec.version}`, "--silent", "--pack-destination", dir])
      )
        .trim()
        .split("\n")
        .pop();
      await run("tar", ["-xzf", join(dir, file), "-C", target, "--strip-components=1"]);
      return { node: "bin/node" };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  async go(name, spec, target) {
    // The CLI and the language host come from one module (tools/pulumi/go.mod), so they share one
    // dependency graph; the version is stamped the way Pulumi's release build stamps it.
    const main = name === "pulumi" ? "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" : `./${name}`;
    const ldflags = `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${spec.version}`;
    await run(
      "go",
      [
        "build",
        "-trimpath",
        "-tags",
        "osusergo,grpcnotrace",
        "-ldflags",
        ldflags,
        "-o",
        join(target, name),
        main,
      ],
      { cwd: join(root, spec.module), env: { ...process.env, GOFLAGS: "-mod=readonly" } },
    );
    return { [name]: name };
  },

  async "go-install"(name, spec, target) {
    await run("go", ["install", `${spec.package}@v${spec.version}`], {
      env: { ...process.env, ...spec.env, GOBIN: target, GOFLAGS: "-mod=mod" },
    });
    return Object.fromEntries(spec.bin.map((exe) => [exe, exe]));
  },

  async pypi(name, spec, target) {
    // One virtual environment per tool: their pinned dependencies do not have to agree.
    await run("python3", ["-m", "venv", target]);
    await run(join(target, "bin", "pip"), [
      "install",
      "--quiet",
      "--disable-pip-version-check",
      `${spec.package}==${spec.version}`,
    ]);
    return Object.fromEntries(spec.bin.map((exe) => [exe, `bin/${exe}`]));
  },

  async debian(name, spec, target) {
    // Unpacked rather than installed system-wide: no root needed, and the version is ours.
    const dir = scratch();
    try {
      const download = () => run("apt-get", ["download", `${spec.package}=${spec.version}`], { cwd: dir });
      await download().catch(async () => {
        await run("apt-get", ["update", "-qq"]);
        await download();
      });
      const deb = readdirSync(dir).find((file) => file.endsWith(".deb"));
      await run("dpkg-deb", ["-x", join(dir, deb), target]);
      return Object.fromEntries(spec.bin.map((exe) => [exe, `usr/bin/${exe}`]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  async local(name, spec) {
    // Each fake provider is a plugin archive whose launcher runs fake-cloud/provider-plugin.ts on the
    // project's Node 22, installed with the CLI's own `pulumi plugin install ... --file`.
    const pluginVersions = lockedPluginVersions(spec.packages);
    for (const [pkg, version] of Object.entries(pluginVersions)) {
      const dir = scratch();
      try {
        const exe = join(dir, `pulumi-resource-${pkg}`);
        writeFileSync(
          exe,
          [
            "#!/bin/sh",
            `# Fake ${pkg} ${version} provider for the Pulumi engine (shop-infra fake-cloud); written by tools/install.mjs.`,
            `exec "${join(bin, "node")}" --import "${join(root, "node_modules", "tsx", "dist", "loader.mjs")}" \\`,
            `  "${join(root, "fake-cloud", "provider-plugin.ts")}" ${pkg} ${version} "$@"`,
            "",
          ].join("\n"),
        );
        chmodSync(exe, 0o755);
        const archive = join(dir, "plugin.tgz");
        await run("tar", ["-czf", archive, "-C", dir, `pulumi-resource-${pkg}`]);
        await run(join(root, "tools", "with-tools"), [
          "pulumi",
          "plugin",
          "install",
          "resource",
          pkg,
          version,
          "--file",
          archive,
          "--reinstall",
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return pluginVersions;
  },
};

const stampOf = (name, spec) => {
  const extra = spec.source === "local" ? JSON.stringify(lockedPluginVersions(spec.packages)) : "";
  const source =
    spec.source === "go"
      ? readFileSync(join(root, spec.module, "go.sum"), "utf8") + listGoFiles(spec.module)
      : "";
  return createHash("sha256")
    .update(JSON.stringify(spec) + extra + source)
    .digest("hex");
};

const listGoFiles = (module) => {
  const dir = join(root, module);
  const files = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else if (entry.name.endsWith(".go") || entry.name === "go.mod")
        files.push(readFileSync(join(d, entry.name), "utf8"));
    }
  };
  walk(dir);
  return files.join("\n");
};

const outputsOf = (name, spec) =>
  Object.entries(lockedPluginVersions(spec.packages)).map(([pkg, version]) =>
    join(home, "pulumi-home", "plugins", `resource-${pkg}-v${version}`),
  );

/**
 * Tools live in a cache shared by every checkout on the machine (~/.cache/shop-infra/tools, or
 * SHOP_TOOLS_CACHE), one directory per tool and stamp; .tools/bin links into it. A fresh clone of the
 * same versions (CI) links what is there in a second instead of rebuilding. A directory is used only once
 * its installer finished (the `.complete` marker), so an interrupted install is redone, never half-used.
 */
const cacheRoot = process.env.SHOP_TOOLS_CACHE ?? join(homedir(), ".cache", "shop-infra", "tools");

const linkAll = (dir, executables) => {
  for (const [exe, path] of Object.entries(executables)) link(join(dir, path), exe);
};

const install = async (name, spec) => {
  const stamp = stampOf(name, spec);
  const started = Date.now();
  let detail;
  if (spec.source === "local") {
    // The plugins' launchers name this checkout's paths, so they are per checkout.
    const stampFile = join(stamps, name);
    const ready =
      existsSync(stampFile) &&
      readFileSync(stampFile, "utf8") === stamp &&
      outputsOf(name, spec).every((path) => existsSync(path));
    if (ready) {
      if (!quiet) console.log(`tools: ${name} ${spec.version}: ready`);
      return false;
    }
    detail = await installers.local(name, spec);
    writeFileSync(stampFile, stamp);
  } else {
    const installer = installers[spec.source];
    if (!installer) throw new Error(`tools/versions.json: ${name} has an unknown source "${spec.source}"`);
    const dir = join(cacheRoot, `${name}-${spec.version}-${stamp.slice(0, 12)}`);
    const marker = join(dir, ".complete");
    if (existsSync(marker)) {
      linkAll(dir, JSON.parse(readFileSync(marker, "utf8")));
      if (!quiet) console.log(`tools: ${name} ${spec.version}: ready`);
      return false;
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const executables = await installer(name, spec, dir);
    writeFileSync(marker, JSON.stringify(executables));
    linkAll(dir, executables);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const what = detail
    ? ` (${Object.entries(detail)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`
    : "";
  console.log(`tools: ${name} ${spec.version}: installed from ${spec.source} in ${seconds} s${what}`);
  return true;
};

// The Go builds use both cores; downloads mostly wait on the network, so they run beside them.
// Plugins need the CLI and Node, so they go last.
const entries = Object.entries(versions).filter(
  ([name]) => !name.startsWith("//") && (!only || only.has(name)),
);
const lanes = [
  entries.filter(([, spec]) => spec.source === "go" || spec.source === "go-install"),
  entries.filter(([, spec]) => ["npm", "pypi", "debian"].includes(spec.source)),
];
const last = entries.filter(([, spec]) => spec.source === "local");

mkdirSync(bin, { recursive: true });
mkdirSync(stamps, { recursive: true });
const started = Date.now();
const failures = [];
let installed = 0;
const runLane = async (lane) => {
  for (const [name, spec] of lane) {
    try {
      if (await install(name, spec)) installed++;
    } catch (error) {
      failures.push(`tools: ${name} ${spec.version} (${spec.source}) failed: ${error.message}`);
    }
  }
};
await Promise.all(lanes.map(runLane));
if (failures.length === 0) await runLane(last);
if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (installed > 0 || !quiet)
  console.log(`tools: ${entries.length} ready in .tools/bin (${installed} installed, ${seconds} s)`);
