import assert from "node:assert/strict";
import {
  buildspecFiles,
  commandsOf,
  npmScriptsCalled,
  readBuildspec,
  type Buildspec,
} from "./support/buildspec";
import { packageScripts, readRepoFile } from "./support/repo-files";

const build = readBuildspec("buildspec/build.yml");
const preview = readBuildspec("buildspec/preview.yml");
const deploy = readBuildspec("buildspec/deploy.yml");

/** Index of the first command matching `pattern`, failing when none does. */
function indexOf(spec: Buildspec, pattern: RegExp): number {
  const index = commandsOf(spec).findIndex((command) => pattern.test(command));
  assert.ok(index >= 0, `no command matches ${pattern}`);
  return index;
}

const commandMatching = (spec: Buildspec, pattern: RegExp): string =>
  commandsOf(spec)[indexOf(spec, pattern)];

/** A tool installed from a release archive: pinned version, pinned digest, checked by fetch-verified.sh. */
function assertVerifiedInstall(spec: Buildspec, tool: string): void {
  const variables = spec.env?.variables ?? {};
  assert.match(
    String(variables[`${tool}_VERSION`]),
    /^\d+\.\d+\.\d+$/,
    `${tool}_VERSION is an exact version`,
  );
  assert.match(String(variables[`${tool}_SHA256`]), /^[0-9a-f]{64}$/, `${tool}_SHA256 is a SHA-256 digest`);
  const install = commandMatching(spec, new RegExp(`fetch-verified\\.sh .*\\$\\{${tool}_VERSION\\}`));
  assert.ok(install.includes(`"$${tool}_SHA256"`), `${tool} is checked against $${tool}_SHA256: ${install}`);
  assert.match(install, /^bash buildspec\/fetch-verified\.sh "https:\/\//, `${tool} is fetched over https`);
}

describe("buildspecs", () => {
  for (const file of buildspecFiles) {
    describe(file, () => {
      const spec = readBuildspec(file);

      it("is a version 0.2 buildspec whose install, pre_build and build phases run commands in bash", () => {
        assert.equal(spec.version, 0.2);
        assert.equal(spec.env?.shell, "bash");
        for (const phase of ["install", "pre_build", "build"]) {
          assert.ok((spec.phases[phase]?.commands ?? []).length > 0, `${phase} has commands`);
        }
        assert.ok(
          "nodejs" in (spec.phases.install["runtime-versions"] ?? {}),
          "the Node.js runtime is pinned",
        );
      });

      it("calls only npm scripts that package.json defines", () => {
        const scripts = packageScripts();
        const called = commandsOf(spec).flatMap(npmScriptsCalled);
        for (const script of called) {
          assert.ok(
            script in scripts,
            `${file} runs "npm run ${script}", which package.json does not define`,
          );
        }
      });

      it("gates on exit codes: nothing swallows a failure", () => {
        for (const command of commandsOf(spec)) {
          assert.doesNotMatch(command, /\|\|\s*true\b/, `"|| true" hides a failure: ${command}`);
          assert.doesNotMatch(command, /\bset \+e\b/, `"set +e" hides failures: ${command}`);
          assert.doesNotMatch(command, /--exit-code[ =]0\b/, `a scan that cannot fail: ${command}`);
          assert.doesNotMatch(
            command,
            /\bcurl\b[^|]*\|\s*(ba)?sh\b/,
            `an unverified download piped into a shell: ${command}`,
          );
        }
      });

      it("holds no credentials: plain variables are versions, digests and settings", () => {
        const variables = spec.env?.variables ?? {};
        for (const [name, value] of Object.entries(variables)) {
          assert.doesNotMatch(
            name,
            /SECRET|TOKEN|PASSWORD|PASSPHRASE|ACCESS_KEY|PRIVATE_KEY/i,
            `${name} looks like a credential in plaintext`,
          );
          assert.doesNotMatch(
            String(value),
            /AKIA[0-9A-Z]{16}|-----BEGIN|pul-[0-9a-f]{40}|ghp_[0-9A-Za-z]{36}/,
            `${name} holds a credential`,
          );
        }
        for (const section of ["secrets-manager", "parameter-store"] as const) {
          for (const [name, reference] of Object.entries(spec.env?.[section] ?? {})) {
            assert.match(
              reference,
              /^[\w/+=.@:-]+$/,
              `${section} ${name} must reference a stored secret, not hold one`,
            );
          }
        }
        for (const command of commandsOf(spec)) {
          assert.doesNotMatch(
            command,
            /AWS_SECRET_ACCESS_KEY|aws configure set/,
            `credentials are set by hand: ${command}`,
          );
        }
      });
    });
  }

  describe("build.yml", () => {
    it("installs the scanners with tools/install.mjs (tools/versions.json's versions) and runs them through npm run scan", () => {
      const install = commandMatching(build, /^node tools\/install\.mjs --only /);
      const installed = install.replace(/^node tools\/install\.mjs --only /, "").split(",");
      const versions = JSON.parse(readRepoFile("tools/versions.json")) as Record<string, unknown>;
      for (const tool of ["semgrep", "gitleaks", "trivy", "shellcheck"]) {
        assert.ok(installed.includes(tool), `${tool} is installed: ${install}`);
        assert.ok(tool in versions, `${tool} is pinned in tools/versions.json`);
      }
      for (const command of commandsOf(build)) {
        for (const scanner of ["semgrep", "gitleaks", "trivy"]) {
          if (new RegExp(`^(?:[A-Z_]+=\\S+ )*${scanner}\\b`, "m").test(command))
            assert.fail(
              `${scanner} runs from PATH, not the pinned .tools/bin (use tools/with-tools): ${command}`,
            );
        }
        assert.doesNotMatch(command, /pip3? install|docker pull|fetch-verified\.sh .*(trivy|gitleaks)/);
      }
    });

    it("scans secrets, code and configuration, then dependencies, then tests, then the image, and pushes only after all of them", () => {
      const order = [
        indexOf(build, /^SCAN_REPORTS_DIR=reports npm run scan$/),
        indexOf(build, /semgrep scan --config p\/typescript --config p\/expressjs --config p\/jwt\s+--error/),
        indexOf(build, /^tools\/with-tools trivy fs --exit-code 1 --severity HIGH,CRITICAL --scanners vuln/),
        indexOf(build, /^npm run lint$/),
        indexOf(build, /^npm run typecheck$/),
        indexOf(build, /mocha --reporter mocha-junit-reporter/),
        indexOf(build, /^docker build .*--build-arg LAMBDA_BASE_DIGEST="\$LAMBDA_BASE_DIGEST"/),
        indexOf(build, /^tools\/with-tools trivy image --exit-code 1 --severity HIGH,CRITICAL/),
        indexOf(build, /^tools\/with-tools trivy image --format cyclonedx --output reports\/sbom\.cdx\.json/),
        indexOf(build, /^docker push "\$IMAGE_TAG"$/),
      ];
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        `steps out of order: ${order.join(", ")}`,
      );
    });

    it("publishes the JUnit file the test command writes as a JUNITXML report, and the SBOM as an artifact", () => {
      const testCommand = commandMatching(build, /mocha --reporter mocha-junit-reporter/);
      const mochaFile = /mochaFile=(\S+)/.exec(testCommand)?.[1];
      assert.ok(mochaFile, "the JUnit reporter writes to a named file");
      const junitReports = Object.values(build.reports ?? {}).filter(
        (report) => report["file-format"] === "JUNITXML",
      );
      assert.ok(
        junitReports.some((report) =>
          report.files.some((file) => `${report["base-directory"] ?? "."}/${file}` === mochaFile),
        ),
        `no JUNITXML report group reads ${mochaFile}`,
      );
      assert.deepEqual(build.artifacts?.files, ["**/*"]);
      assert.ok(
        !(build.artifacts?.["exclude-paths"] ?? []).some((path) => path.startsWith("reports")),
        "reports/ (with the SBOM) ships",
      );
    });

    it("exports the pushed image by digest for the deploy stages", () => {
      assert.deepEqual(build.env?.["exported-variables"], ["IMAGE_URI"]);
      assert.ok(indexOf(build, /^export IMAGE_URI=.*RepoDigests/) > indexOf(build, /^docker push/));
      indexOf(build, /\[\[ "\$IMAGE_URI" == \*@sha256:\* \]\]/);
    });
  });

  describe("preview.yml", () => {
    it("runs the offline preview, then pulumi preview of every stack with the policy pack, failing on the first violation", () => {
      assertVerifiedInstall(preview, "PULUMI");
      const offline = indexOf(
        preview,
        /^for stack in \$PREVIEW_STACKS; do\n\s+npm run preview:offline -- --stack "\$stack" \|\| exit 1\n/,
      );
      const loop = commandMatching(preview, /pulumi preview/);
      assert.ok(indexOf(preview, /pulumi preview/) > offline, "the offline preview runs first");
      assert.match(loop, /for stack in \$PREVIEW_STACKS; do/);
      assert.match(
        loop,
        /pulumi preview --stack "\$stack" --policy-pack policies --policy-pack-config "policies\/config\/\$\{stack\}\.json"/,
      );
      assert.match(
        loop,
        /--diff --non-interactive \|\| exit 1/,
        "a failing stack fails the build, not only the last one",
      );
      assert.doesNotMatch(loop, /--json/, "--json leaves policy events out; the exit code is the gate");
    });

    it("never deploys and never needs Docker (the preview project is not privileged)", () => {
      for (const command of commandsOf(preview)) {
        assert.doesNotMatch(command, /pulumi (up|destroy|refresh)\b/);
        assert.doesNotMatch(command, /\bdocker\b/);
      }
    });
  });

  describe("deploy.yml", () => {
    it("runs pulumi up for $STACK with the same policy pack and config as the preview", () => {
      assertVerifiedInstall(deploy, "PULUMI");
      assert.equal(
        deploy.env?.variables?.PULUMI_VERSION,
        preview.env?.variables?.PULUMI_VERSION,
        "preview and deploy use one CLI",
      );
      const up = commandMatching(deploy, /pulumi up/);
      assert.match(
        up,
        /^pulumi up --yes --stack "\$STACK" --policy-pack policies --policy-pack-config "policies\/config\/\$\{STACK\}\.json"/,
      );
      assert.match(
        up,
        /--config "shop-infra:imageUri=\$\{IMAGE_URI\}"/,
        "the stack runs the image the build checked",
      );
      assert.ok(indexOf(deploy, /^pulumi login "\$PULUMI_BACKEND_URL"$/) < indexOf(deploy, /pulumi up/));
    });

    it("takes stack, backend, region and image from the environment and refuses to start without them", () => {
      indexOf(
        deploy,
        /\[\[ -n "\$STACK" && -n "\$PULUMI_BACKEND_URL" && -n "\$AWS_REGION" \]\] \|\| \{.*exit 1; \}/,
      );
      indexOf(deploy, /\[\[ "\$IMAGE_URI" =~ @sha256:\[0-9a-f\]\{64\}\$ \]\] \|\| \{.*exit 1; \}/);
      indexOf(deploy, /pulumi config get aws:region\)" == "\$AWS_REGION" \]\]/);
      assert.ok(indexOf(deploy, /npm ci/) < indexOf(deploy, /pulumi up/));
    });

    it("smoke-tests the deployed API before the stage can succeed, without Docker", () => {
      assert.ok(indexOf(deploy, /curl --fail .*\/health"$/) > indexOf(deploy, /pulumi up/));
      assert.ok(commandsOf(deploy).every((command) => !/\bdocker\b/.test(command)));
    });
  });
});
