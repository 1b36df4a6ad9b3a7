import assert from "node:assert/strict";
import { dockerignore, parseDockerfile, type Instruction } from "./support/dockerfile";
import { readdirSync } from "node:fs";
import { apiMemorySizes } from "../../scripts/api-memory-sizes.mjs";
import { packageScripts, readRepoFile, readRepoYaml, repositoryRoot } from "./support/repo-files";

const dockerfile = parseDockerfile(readRepoFile("Dockerfile"));
const ignored = dockerignore(readRepoFile(".dockerignore"));
const [buildStage, runtimeStage] = dockerfile.stages;

const argsOf = (instructions: readonly Instruction[], keyword: string): string[] =>
  instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `COPY [--from=x] <src>... <dest>` as sources, destination and flags. */
function copyParts(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
  const paths = words.filter((w) => !w.startsWith("--"));
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
}

describe("Dockerfile", () => {
  it("has a build stage and a runtime stage, both on public.ecr.aws/lambda/nodejs:22 pinned by digest", () => {
    assert.equal(dockerfile.stages.length, 2);
    const globalArgs = argsOf(dockerfile.preamble, "ARG");
    for (const stage of dockerfile.stages) {
      const match = /^public\.ecr\.aws\/lambda\/nodejs:22@(.+)$/.exec(stage.image);
      assert.ok(match, `${stage.image} is not the Lambda Node.js 22 base pinned by digest`);
      const digest = match[1];
      const argName = /^\$\{(\w+)\}$/.exec(digest)?.[1];
      if (argName) {
        // A build argument without a default: a build that does not pass the pin fails instead of floating.
        assert.deepEqual(
          globalArgs,
          [argName],
          `the digest comes from a global ARG ${argName} with no default`,
        );
      } else {
        assert.match(digest, /^sha256:[0-9a-f]{64}$/);
      }
    }
  });

  it("explains how to refresh the pinned digest", () => {
    const comments = dockerfile.comments.join("\n");
    assert.match(comments, /crane digest public\.ecr\.aws\/lambda\/nodejs:22/);
    assert.match(comments, /docker buildx imagetools inspect public\.ecr\.aws\/lambda\/nodejs:22/);
  });

  it("builds with the lockfile and the bundle script", () => {
    assert.equal(buildStage.name, "build");
    const runs = argsOf(buildStage.instructions, "RUN");
    assert.ok(
      runs.some((run) => /^npm ci\b/.test(run)),
      "npm ci (the lockfile decides)",
    );
    assert.ok(runs.includes("npm run bundle"));
    assert.ok("bundle" in packageScripts());
    const copied = argsOf(buildStage.instructions, "COPY").flatMap((args) => copyParts(args).sources);
    assert.ok(copied.includes("package-lock.json"), "the lockfile is copied before npm ci");
  });

  it("ships only the bundles into the Lambda task root, never as root, with the API handler as command", () => {
    const copies = runtimeStage.instructions
      .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
      .map((i) => i.args);
    assert.deepEqual(
      copies.map(copyParts),
      ["api", "report", "rotation", "swagger-ui", "compile-cache"].map((bundle) => ({
        from: "build",
        sources: [`/build/dist/${bundle}`],
        destination: `\${LAMBDA_TASK_ROOT}/${bundle}`,
      })),
    );
    assert.deepEqual(argsOf(runtimeStage.instructions, "RUN"), [], "the runtime stage runs nothing");
    assert.deepEqual(
      argsOf(runtimeStage.instructions, "ENV"),
      ["NODE_COMPILE_CACHE=${LAMBDA_TASK_ROOT}/compile-cache"],
      "Node reads the compile cache the build stage filled",
    );
    const users = argsOf(runtimeStage.instructions, "USER");
    assert.equal(users.length, 1);
    assert.doesNotMatch(users[0], /^(root|0)(:|$)/);
    assert.deepEqual(
      argsOf(runtimeStage.instructions, "CMD").map((cmd) => JSON.parse(cmd) as unknown),
      [["api/index.handler"]],
    );
  });

  it("fills the code caches for every memory size the API runs with, as the pipelines and `pulumi up` pass them", () => {
    assert.ok(argsOf(buildStage.instructions, "ARG").includes('API_MEMORY_SIZES=""'));
    const fill = argsOf(buildStage.instructions, "RUN").find((run) => run.includes("fill-compile-cache.mjs"));
    assert.match(fill ?? "", /fill-compile-cache\.mjs \$\{LAMBDA_TASK_ROOT\} \S+ \$\{API_MEMORY_SIZES\}$/);
    // The pipelines build one image for every stack: the sizes are every stack's shop-infra:apiMemoryMb.
    const stacks = readdirSync(repositoryRoot).filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file));
    const configured = stacks
      .map(
        (file) => readRepoYaml<{ config?: Record<string, unknown> }>(file).config?.["shop-infra:apiMemoryMb"],
      )
      .filter((size): size is number => typeof size === "number");
    assert.ok(configured.length >= 2, "dev and prod configure the API's memory");
    assert.deepEqual(
      apiMemorySizes(),
      [...new Set(configured)].sort((a, b) => a - b),
    );
    for (const pipeline of ["buildspec/build.yml", ".github/workflows/deploy.yml"]) {
      const text = readRepoFile(pipeline);
      assert.match(text, /node scripts\/api-memory-sizes\.mjs/, `${pipeline} computes the sizes`);
      assert.match(text, /docker build .*--build-arg API_MEMORY_SIZES="\$\w+"/, `${pipeline} passes them`);
    }
  });

  it("never fetches anything with ADD", () => {
    for (const stage of dockerfile.stages) assert.deepEqual(argsOf(stage.instructions, "ADD"), []);
  });
});

describe(".dockerignore", () => {
  it("keeps tests, local data, dependencies, VCS data, coverage, Pulumi state and stack config out of the context", () => {
    for (const path of [
      "tests/app/auth.test.ts",
      "tests/pipeline/image.test.ts",
      ".data/shop.db",
      "node_modules/express/index.js",
      ".git/HEAD",
      "coverage/lcov.info",
      ".pulumi/stacks/shop-infra/dev.json",
      "Pulumi.yaml",
      "Pulumi.dev.yaml",
      ".env",
      "dist/api/index.js",
      ".semgrep/tests/shop-jwt-literal-secret.ts",
      "buildspec/build.yml",
    ]) {
      assert.ok(ignored(path), `${path} reaches the build context`);
    }
  });

  it("keeps every file the build stage copies", () => {
    const sources = argsOf(buildStage.instructions, "COPY").flatMap((args) => copyParts(args).sources);
    assert.ok(sources.length > 0);
    for (const source of sources) {
      const sample = source.includes(".") ? source : `${source}/index.ts`;
      assert.ok(!ignored(sample), `the build copies ${source}, which .dockerignore leaves out`);
    }
  });

  it("is matched with Docker's rules (checked on patterns whose meaning Docker documents)", () => {
    const rules = dockerignore("*\n!keep/\n**/*.md\n!keep/README.md\n/temp?\n");
    assert.equal(rules("anything.txt"), true, "* matches top-level entries");
    assert.equal(rules("deep/down/file.ts"), true, "a matching parent directory excludes its contents");
    assert.equal(rules("keep/file.ts"), false, "! re-includes");
    assert.equal(rules("keep/notes/x.md"), true, "** spans directories");
    assert.equal(rules("keep/README.md"), false, "the last matching pattern wins");
    assert.equal(
      dockerignore("/temp?")("temp1/file"),
      true,
      "a leading slash is the context root, ? one character",
    );
    assert.equal(dockerignore("/temp?")("temp12"), false);
  });
});
