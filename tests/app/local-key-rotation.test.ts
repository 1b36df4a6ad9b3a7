import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import jwt from "jsonwebtoken";
import request from "supertest";
import { ensureKeySetFile } from "../../app/local/key-set-file";
import { localFileKeyTiming } from "../../app/services/signing-key";
import { adminAccount, assertProblem, login } from "../support/api-client";
import { createTestContext, type TestContext } from "../support/local-aws";

/** The local key set: `npm run keys:rotate` against a running app, which picks the new key up by itself. */
describe("Local key rotation (npm run keys:rotate)", function () {
  this.timeout(60_000);
  let dataDir: string;
  let file: string;
  let context: TestContext;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "shop-keys-"));
    file = ensureKeySetFile(dataDir);
    context = await createTestContext({ JWT_KEYS_FILE: file });
  });

  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function rotateKeys(): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/rotate-local-keys.ts"],
      { env: { ...process.env, DATA_DIR: dataDir } },
    );
    // The app reads the file again once its copy is a second old.
    await new Promise((resolve) => setTimeout(resolve, localFileKeyTiming.maxAgeMs));
    return stdout;
  }

  const kidOf = (token: string) => jwt.decode(token, { complete: true })?.header.kid;
  const me = (token: string) => request(context.app).get("/auth/me").set("Authorization", `Bearer ${token}`);

  it("keeps the file private, and retires a token only at the second rotation after it", async () => {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, "utf8").includes("undefined"));
    const admin = await adminAccount(context);
    const before = admin.accessToken;

    const first = await rotateKeys();
    assert.match(first, /signing with [\w-]+, still verifying [\w-]+/);
    assert.ok(!first.includes(JSON.parse(readFileSync(file, "utf8")).keys[0].secret), "no key is printed");
    assert.equal((await me(before)).status, 200, "signed before one rotation: still accepted");
    const between = (await login(context.app, admin.email, admin.password)).accessToken;
    assert.notEqual(kidOf(between), kidOf(before), "picked up without a restart");

    assert.match(await rotateKeys(), new RegExp(`Retired ${kidOf(before)}`));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await me(between)).status, 200);
    assertProblem(await me(before), 401);
  });
});
