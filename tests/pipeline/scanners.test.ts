import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { readRepoYaml } from "./support/repo-files";
import { commitAll, requireTools, sandboxOf, scanStep, type Sandbox } from "./support/scan";

/**
 * The scanners themselves, run by scripts/scan.sh exactly as CI runs them, on copies of the repository with
 * findings planted in them: each must fail and name the file and the rule. Planted credentials are built
 * here at run time, so this file holds none for the repository's own scan to find.
 */
describe("Scanners (scripts/scan.sh) on planted findings", function () {
  this.timeout(180_000);
  let sandbox: Sandbox | undefined;
  before(() => requireTools("semgrep", "gitleaks", "trivy", "shellcheck"));
  afterEach(() => sandbox?.remove());

  const sorted = (findings: { ruleId: string; file: string }[]) =>
    [...findings].sort((a, b) => `${a.file}${a.ruleId}`.localeCompare(`${b.file}${b.ruleId}`));

  it("semgrep: every project rule fires on its bad pattern planted in a copy of app/, and nothing else does", async () => {
    const rules = readRepoYaml<{ rules: { id: string }[] }>(".semgrep.yml").rules.map((rule) => rule.id);
    const key = JSON.stringify(randomBytes(24).toString("base64url"));
    const plants: Record<string, string> = {
      "shop-jwt-verify-without-algorithms": `import jwt from "jsonwebtoken";
export const claimsOf = (token: string, key: string) => jwt.verify(token, key, { issuer: "shop-api" });
`,
      "shop-jwt-decode-used-for-authorization": `import jwt from "jsonwebtoken";
export function isAdmin(token: string): boolean {
  const claims = jwt.decode(token) as { role?: string } | null;
  return claims?.role === "admin";
}
`,
      "shop-jwt-literal-secret": `import jwt from "jsonwebtoken";
export const issue = (userId: string) => jwt.sign({ sub: userId }, ${key}, { algorithm: "HS256" });
`,
      "shop-express-app-without-helmet": `import express from "express";
export function createPlainApp() {
  const app = express();
  app.get("/health", (_req, res) => res.json({ status: "ok" }));
  return app;
}
`,
      "shop-express-raw-request-data-in-response": `import { Router } from "express";
export const greetings = Router().get("/hello", (req, res) => {
  res.send(\`<p>Hello \${req.query.name}</p>\`);
});
`,
    };
    assert.deepEqual(Object.keys(plants).sort(), [...rules].sort(), "one plant per rule in .semgrep.yml");
    sandbox = sandboxOf(["app", ".semgrep.yml", ".semgrepignore"]);
    for (const [rule, source] of Object.entries(plants))
      sandbox.plant(`app/services/planted-${rule}.ts`, source);

    const result = await scanStep("semgrep", sandbox.dir);
    assert.equal(result.status, 1, result.output);
    assert.match(result.output, /==> scan: semgrep \(\.semgrep\.yml\): FAILED/);
    assert.deepEqual(
      sorted(result.findings),
      sorted(rules.map((rule) => ({ ruleId: rule, file: `app/services/planted-${rule}.ts` }))),
      "each rule flags its plant, and the real app/ has no finding",
    );
  });

  it("gitleaks: an AWS access key pair in a config file and a private key fail the tree and the history scans", async () => {
    // A key id in AWS's format (AKIA + 16 base-32 characters) and a 40-character secret; neither is real.
    const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const keyId = `AKIA${Array.from({ length: 16 }, () => base32[randomInt(32)]).join("")}`;
    // generic-api-key drops a match that contains one of its ~1,500 stopwords, case-insensitively ("java",
    // "html"...), so some random base64 secrets went unflagged and failed CI. Without vowels, h, v, x, 0 and m
    // no stopword of gitleaks 8.30 can occur (with m, "md5", "mqtt" and "smtp" hid 9 of 4,000 secrets),
    // and 40 characters of this alphabet stay far above the rule's entropy floor (3.5).
    const noStopwords = "BCDFGJKLNPQRSTWZbcdfgjklnpqrstwz123456789";
    const secret = Array.from({ length: 40 }, () => noStopwords[randomInt(noStopwords.length)]).join("");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sandbox = sandboxOf(["app", "Pulumi.dev.yaml", ".gitleaks.toml"]);
    sandbox.plant(
      "Pulumi.dev.yaml",
      `${sandboxText(sandbox, "Pulumi.dev.yaml")}  aws:accessKey: ${keyId}\n  aws:secretKey: ${secret}\n`,
    );
    sandbox.plant("app/local/signing.pem", privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    commitAll(sandbox.dir);

    for (const step of ["gitleaks-tree", "gitleaks-history"]) {
      const result = await scanStep(step, sandbox.dir);
      assert.equal(result.status, 1, `${step}: ${result.output}`);
      const found = result.findings.map((finding) => `${finding.file}: ${finding.ruleId}`);
      assert.ok(found.includes("Pulumi.dev.yaml: aws-access-token"), `${step} names the key id: ${found}`);
      assert.ok(
        found.some((line) => /^Pulumi\.dev\.yaml: (aws-secret-access-key|generic-api-key)$/.test(line)),
        `${step} names the secret key: ${found}`,
      );
      assert.ok(
        found.includes("app/local/signing.pem: private-key"),
        `${step} names the private key: ${found}`,
      );
      assert.ok(!result.output.includes(secret) && !result.output.includes(keyId), "findings are redacted");
    }
  });

  it("trivy: a Dockerfile that runs as root from a mutable tag fails the config and fs scans, and fs finds a planted key", async () => {
    sandbox = sandboxOf(["Dockerfile", ".trivyignore"]);
    sandbox.plant("Dockerfile", 'FROM node:latest\nWORKDIR /app\nCOPY . .\nCMD ["node", "index.js"]\n');
    const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const keyId = `AKIA${Array.from({ length: 16 }, () => base32[randomInt(32)]).join("")}`;
    sandbox.plant("deploy/credentials.env", `AWS_ACCESS_KEY_ID=${keyId}\n`);

    const config = await scanStep("trivy-dockerfile", sandbox.dir);
    assert.equal(config.status, 1, config.output);
    const configRules = config.findings.map((finding) => finding.ruleId);
    assert.ok(configRules.includes("DS-0002"), `root user (DS-0002): ${configRules}`);
    assert.ok(configRules.includes("DS-0001"), `":latest" base image (DS-0001): ${configRules}`);

    const tree = await scanStep("trivy-fs", sandbox.dir);
    assert.equal(tree.status, 1, tree.output);
    const found = tree.findings.map((finding) => `${finding.file}: ${finding.ruleId}`);
    assert.ok(found.includes("Dockerfile: DS-0002"), `fs scans the Dockerfile too: ${found}`);
    assert.ok(found.includes("deploy/credentials.env: aws-access-key-id"), `fs finds the key: ${found}`);
  });

  it("shellcheck: finds every shell script, by name or by shebang, and fails on a planted defect", async () => {
    sandbox = sandboxOf([]);
    sandbox.plant("ci/clean.sh", '#!/usr/bin/env bash\nset -euo pipefail\necho "clean"\n');
    sandbox.plant("ci/deploy", "#!/bin/sh\ntarget=$1\nrm -rf $target/build\n");
    sandbox.plant("node_modules/pkg/install.sh", "#!/bin/sh\nrm -rf $1\n");
    const result = await scanStep("shellcheck", sandbox.dir);
    assert.equal(result.status, 1, result.output);
    assert.match(result.output, /2 scripts: ci\/clean\.sh ci\/deploy\n/, "node_modules/ is left out");
    assert.match(result.output, /In ci\/deploy line 3:[^]*SC2086/);
  });

  it("refuses an unknown step instead of passing with nothing run", async () => {
    sandbox = sandboxOf([]);
    const result = await scanStep("semgerp", sandbox.dir);
    assert.equal(result.status, 2, result.output);
  });
});

function sandboxText(sandbox: Sandbox, relativePath: string): string {
  return readFileSync(path.join(sandbox.dir, relativePath), "utf8");
}
