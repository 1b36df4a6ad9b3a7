import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AppImage, contentTag } from "../../components/app-image";
import { defaultTestConfig, only, runUnderMocks } from "./support/run-queries";

const repositoryUrl = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-test-app";

describe("AppImage", () => {
  it("builds the Dockerfile for one platform, pushes it under the tag with ECR credentials, and exposes repository@digest", async () => {
    const run = await runUnderMocks(
      () => {
        const image = new AppImage("image", {
          repositoryUrl,
          registryId: "123456789012",
          tag: "1.2.3-abc",
          contextPath: "/repo",
          platform: "linux/arm64",
          buildArgs: { LAMBDA_BASE_DIGEST: `sha256:${"b".repeat(64)}` },
        });
        return { imageUri: image.imageUri, digest: image.digest };
      },
      { stack: "test", config: defaultTestConfig },
    );

    const image = only(run, "docker-build:index:Image");
    assert.deepEqual(image.inputs.context, { location: "/repo" });
    assert.deepEqual(image.inputs.dockerfile, { location: "/repo/Dockerfile" });
    assert.deepEqual(image.inputs.platforms, ["linux/arm64"]);
    assert.equal(image.inputs.push, true);
    assert.equal(image.inputs.buildOnPreview, false);
    assert.deepEqual(image.inputs.tags, [`${repositoryUrl}:1.2.3-abc`]);
    assert.deepEqual(image.inputs.buildArgs, { LAMBDA_BASE_DIGEST: `sha256:${"b".repeat(64)}` });

    const token = run.invokes.find((i) => i.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken");
    assert.deepEqual(token?.inputs, { registryId: "123456789012" });
    const [registry] = image.inputs.registries as { address: string; username: string; password: string }[];
    assert.deepEqual([registry.address, registry.username], [repositoryUrl, "AWS"]);
    assert.match(registry.password, /^mock-ecr-token-/);
    assert.ok(image.secretInputs.includes("registries"), "the registry password travels as a secret");

    const digest = image.outputs.digest as string;
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(run.outputs.digest, { value: digest, secret: false });
    assert.deepEqual(run.outputs.imageUri, { value: `${repositoryUrl}@${digest}`, secret: false });
  });
});

describe("contentTag", () => {
  let context: string;
  beforeEach(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "app-image-"));
    fs.mkdirSync(path.join(context, "app"));
    fs.writeFileSync(path.join(context, "Dockerfile"), "FROM scratch\n");
    fs.writeFileSync(path.join(context, "app", "index.ts"), "export {};\n");
  });
  afterEach(() => fs.rmSync(context, { recursive: true, force: true }));

  it("is <version>-<12 hex> and stable while the context is unchanged", () => {
    const tag = contentTag("0.1.0", context);
    assert.match(tag, /^0\.1\.0-[0-9a-f]{12}$/);
    assert.equal(contentTag("0.1.0", context), tag);
  });

  it("changes when a file, a file name or a build argument changes, but not with node_modules or .git", () => {
    const tag = contentTag("0.1.0", context);
    fs.mkdirSync(path.join(context, "node_modules", "x"), { recursive: true });
    fs.writeFileSync(path.join(context, "node_modules", "x", "index.js"), "1");
    fs.mkdirSync(path.join(context, ".git"));
    fs.writeFileSync(path.join(context, ".git", "HEAD"), "ref");
    assert.equal(contentTag("0.1.0", context), tag);

    assert.notEqual(contentTag("0.1.0", context, { LAMBDA_BASE_DIGEST: "sha256:1" }), tag);
    fs.writeFileSync(path.join(context, "app", "index.ts"), "export const changed = 1;\n");
    const changed = contentTag("0.1.0", context);
    assert.notEqual(changed, tag);
    fs.renameSync(path.join(context, "app", "index.ts"), path.join(context, "app", "main.ts"));
    assert.notEqual(contentTag("0.1.0", context), changed);
  });
});
