import assert from "node:assert/strict";
import { CiPipeline, githubIdentities, githubRoleVariables } from "../../components/ci-pipeline";
import { previewArgs, upArgs } from "../../scripts/engine/pulumi-commands";
import { ofType, runUnderMocks, statementsOf, defaultTestConfig } from "../infra/support/run-queries";
import { npmScriptsCalled } from "./support/buildspec";
import { packageScripts, readRepoFile, readRepoYaml } from "./support/repo-files";
import {
  actionName,
  environmentOf,
  needsOf,
  readWorkflows,
  tokenSubject,
  triggerBranches,
  variableIn,
  workflow,
  workflowDir,
  type Job,
  type Step,
  type Workflow,
} from "./support/workflows";

const workflows = readWorkflows();
const ciConfig = readRepoYaml<{ config: Record<string, unknown> }>("Pulumi.ci.yaml").config;
const repository = String(ciConfig["shop-infra:ciRepository"]);
const branch = String(ciConfig["shop-infra:ciBranch"]);
const versions = JSON.parse(readRepoFile("tools/versions.json")) as Record<string, { version: string }>;

const jobsOf = (w: Workflow): [string, Job][] => Object.entries(w.jobs);
const stepsOf = (w: Workflow): Step[] => jobsOf(w).flatMap(([, job]) => job.steps ?? []);
const usesAction = (job: Job, name: string) =>
  (job.steps ?? []).some((step) => step.uses !== undefined && actionName(step.uses) === name);
const assumesRole = (job: Job) => usesAction(job, "aws-actions/configure-aws-credentials");
const permissionsOf = (job: Job): Record<string, string> => {
  assert.equal(typeof job.permissions, "object", "each job states its permissions");
  return job.permissions as Record<string, string>;
};
/** A job that writes a pull request comment: pulumi/actions with comment-on-pr, or our comment script. */
const comments = (job: Job) =>
  (job.steps ?? []).some(
    (step) =>
      (step.uses !== undefined &&
        actionName(step.uses) === "pulumi/actions" &&
        step.with?.["comment-on-pr"]) ||
      /pr-comment\.sh|fork-preview-comments\.sh/.test(step.run ?? ""),
  );

/** Shell words of a one-line command, with the given variables substituted (quotes removed). */
function words(command: string, variables: Record<string, string>): string[] {
  const expanded = command.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => variables[name] ?? whole);
  return [...expanded.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}

describe("GitHub Actions workflows", () => {
  it("exist for pull requests, their fork comments, the shared checks and the deployment", () => {
    assert.deepEqual(
      workflows.map((w) => w.file),
      ["checks.yml", "deploy.yml", "pull-request-comment.yml", "pull-request.yml"],
    );
  });

  describe("least privilege", () => {
    for (const w of workflows) {
      it(`${w.file}: grants nothing at the top, and each job only what it uses`, () => {
        assert.deepEqual(w.permissions, {}, "top-level permissions: {}");
        for (const [id, job] of jobsOf(w)) {
          const permissions = permissionsOf(job);
          const where = `${w.file} job ${id}`;
          for (const [scope, level] of Object.entries(permissions)) {
            assert.ok(
              ["contents:read", "id-token:write", "pull-requests:write", "actions:read"].includes(
                `${scope}:${level}`,
              ),
              `${where} asks for ${scope}: ${level}`,
            );
          }
          assert.equal(
            permissions["id-token"] === "write",
            assumesRole(job),
            `${where}: id-token: write exactly when it assumes a role`,
          );
          assert.equal(
            permissions["pull-requests"] === "write",
            comments(job),
            `${where}: pull-requests: write exactly when it comments`,
          );
        }
      });
    }

    it("gives forks no credentials: only same-repository pull requests reach the preview role", () => {
      const pr = workflow("pull-request.yml");
      for (const [id, job] of jobsOf(pr)) {
        if (!assumesRole(job) && !comments(job)) continue;
        assert.equal(
          job.if,
          "github.event.pull_request.head.repo.full_name == github.repository",
          `pull-request.yml job ${id} runs for forks`,
        );
      }
      const forkComment = workflow("pull-request-comment.yml");
      for (const [, job] of jobsOf(forkComment)) {
        assert.ok(!assumesRole(job), "the fork comment never assumes a role");
        for (const step of job.steps ?? []) {
          assert.ok(!step.with?.ref, "the fork comment never checks out the pull request");
        }
      }
    });
  });

  describe("supply chain", () => {
    for (const w of workflows) {
      const text = readRepoFile(`${workflowDir}/${w.file}`);

      it(`${w.file}: pins every action by full commit SHA with its version in a comment`, () => {
        const uses = [...text.matchAll(/^[\s-]*uses: (\S+)(.*)$/gm)];
        assert.ok(uses.length > 0);
        for (const [, target, rest] of uses) {
          if (target.startsWith("./")) continue;
          assert.match(target, /^[\w./-]+@[0-9a-f]{40}$/, `${target} is not pinned`);
          assert.match(rest, /^ # v\d+\.\d+\.\d+$/, `${target} has no "# vX.Y.Z" comment`);
        }
      });

      it(`${w.file}: puts no expression in a run: line and has no pull_request_target`, () => {
        assert.ok(!("pull_request_target" in w.on), "pull_request_target");
        for (const step of stepsOf(w)) {
          assert.doesNotMatch(step.run ?? "", /\$\{\{/, `an expression in run: ${step.run}`);
        }
        for (const [, job] of jobsOf(w)) {
          for (const step of job.steps ?? []) {
            if (step.uses?.startsWith("actions/checkout@")) {
              assert.equal(step.with?.["persist-credentials"], false, "checkout keeps no token on disk");
            }
          }
        }
      });
    }

    it("pins each action to one commit across the workflows, and docs/delivery-pipeline.md lists each of them", () => {
      const pins = new Map<string, Set<string>>();
      for (const step of workflows.flatMap(stepsOf)) {
        if (step.uses === undefined || step.uses.startsWith("./")) continue;
        const [name, sha] = step.uses.split("@");
        pins.set(name, (pins.get(name) ?? new Set()).add(sha));
      }
      const readme = readRepoFile("docs/delivery-pipeline.md");
      for (const [name, shas] of pins) {
        assert.equal(shas.size, 1, `${name} is pinned to ${[...shas].join(", ")}`);
        const [sha] = shas;
        assert.ok(
          readme.includes(`\`${name}\``) && readme.includes(sha),
          `docs/delivery-pipeline.md does not list ${name}@${sha}`,
        );
      }
    });
  });

  describe("agreement with the CI stack's trust", () => {
    const identities = githubIdentities(repository, branch, ["dev", "prod"]);
    const assuming = workflows.flatMap((w) =>
      jobsOf(w)
        .filter(([, job]) => assumesRole(job))
        .map(([id, job]) => {
          const step = (job.steps ?? []).find(
            (s) => s.uses !== undefined && actionName(s.uses) === "aws-actions/configure-aws-credentials",
          );
          return {
            where: `${w.file} job ${id}`,
            subject: tokenSubject(w, job, repository),
            variable: variableIn(step?.with?.["role-to-assume"]),
            environment: environmentOf(job),
          };
        }),
    );

    it("gives every job that assumes a role a token subject its role trusts", () => {
      assert.ok(assuming.length >= 4);
      for (const job of assuming) {
        const identity = identities.find((i) => i.subject === job.subject);
        assert.ok(identity, `${job.where} carries ${job.subject}, which no role trusts`);
        assert.equal(job.variable, identity.roleVariable, `${job.where} reads the wrong role variable`);
        assert.equal(job.environment, identity.environment, job.where);
      }
    });

    it("trusts no subject that no job carries", () => {
      for (const identity of identities) {
        assert.ok(
          assuming.some((job) => job.subject === identity.subject),
          `the CI stack trusts ${identity.subject}, which no workflow job uses`,
        );
      }
    });

    it("builds exactly these trusts into the CI stack's GitHub roles", async () => {
      const run = await runUnderMocks(
        () => {
          new CiPipeline("shop-ci", {
            connectionArn:
              "arn:aws:codeconnections:us-east-1:123456789012:connection/6f1d2c3b-0a9e-4e8f-9b7a-5c4d3e2f1a0b",
            repository,
            branch,
            stateBucketName: "state",
            stateKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
            lambdaBaseDigest: `sha256:${"ab".repeat(32)}`,
          });
        },
        { stack: "ci", config: defaultTestConfig },
      );
      const trusted = ofType(run, "aws:iam/role:Role")
        .flatMap((role) => statementsOf(role, "assumeRolePolicy"))
        .flatMap((s) => Object.values(s.Condition?.StringEquals ?? {}).flat())
        .filter((value) => value.startsWith("repo:"))
        .sort();
      assert.deepEqual(trusted, identities.map((i) => i.subject).sort());
    });

    it("triggers on the deploy branch the CI stack trusts", () => {
      assert.deepEqual(triggerBranches(workflow("deploy.yml"), "push"), [branch]);
      assert.deepEqual(triggerBranches(workflow("pull-request.yml"), "pull_request"), [branch]);
      assert.deepEqual(Object.values(githubRoleVariables).sort(), [
        "AWS_DEPLOY_ROLE_ARN",
        "AWS_IMAGE_ROLE_ARN",
        "AWS_PREVIEW_ROLE_ARN",
      ]);
    });
  });

  describe("the commands", () => {
    it("previews each stack with scripts/engine/pulumi-commands.ts's previewArgs, through pulumi/actions", () => {
      const pr = workflow("pull-request.yml");
      const job = pr.jobs.preview;
      const stacks = job.strategy?.matrix?.stack as string[];
      assert.deepEqual(stacks, ["dev", "prod"]);
      const step = (job.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
      assert.ok(step?.with);
      for (const stack of stacks) {
        const input = (name: string): string =>
          String(step.with?.[name]).replace("${{ matrix.stack }}", stack);
        // pulumi/actions runs the Automation API, which always adds --non-interactive.
        const args: string[] = [
          input("command"),
          "--stack",
          input("stack-name"),
          "--policy-pack",
          input("policyPacks"),
          "--policy-pack-config",
          input("policyPackConfigs"),
          ...(step.with.diff === true ? ["--diff"] : []),
          "--non-interactive",
        ];
        assert.deepEqual(args, previewArgs(stack));
      }
      assert.equal(step.with["edit-pr-comment"], true, "one comment per stack, updated");
      assert.equal(step.with["comment-on-pr"], true);
    });

    it("deploys each stack with upArgs and the image the image job pushed, by digest", () => {
      const deploy = workflow("deploy.yml");
      for (const stack of ["dev", "prod"]) {
        const job = deploy.jobs[`deploy-${stack}`];
        const step = (job.steps ?? []).find((s) => /pulumi up/.test(s.run ?? ""));
        assert.ok(step?.run && step.env);
        assert.equal(step.env.STACK, stack);
        assert.equal(step.env.IMAGE_URI, "${{ needs.image.outputs.image-uri }}");
        const up = step.run.split("\n").find((line) => /^\s*pulumi up /.test(line)) ?? "";
        const imageUri =
          "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-ci-images@sha256:" + "a".repeat(64);
        assert.deepEqual(
          words(up.trim(), { STACK: stack, IMAGE_URI: imageUri }).slice(1),
          upArgs(stack, { imageUri }),
        );
        assert.ok(needsOf(job).includes("image"));
      }
      const pushes = stepsOf(deploy).filter((s) => /docker push/.test(s.run ?? ""));
      assert.equal(pushes.length, 1, "the image is built and pushed once");
    });

    it("installs the pinned CLI and Node of tools/versions.json", () => {
      for (const step of workflows.flatMap(stepsOf)) {
        if (step.uses?.startsWith("pulumi/actions@")) {
          assert.equal(step.with?.["pulumi-version"], versions.pulumi.version);
        }
        if (step.uses?.startsWith("actions/setup-node@")) {
          assert.equal(step.with?.["node-version"], versions.node.version.split(".")[0]);
        }
      }
    });

    it("calls only npm scripts that package.json defines", () => {
      const scripts = packageScripts();
      for (const step of workflows.flatMap(stepsOf)) {
        for (const script of npmScriptsCalled(step.run ?? "")) {
          assert.ok(
            script in scripts,
            `a workflow runs "npm run ${script}", which package.json does not define`,
          );
        }
      }
    });
  });

  describe("the deployment", () => {
    const deploy = workflow("deploy.yml");

    it("runs checks, image, dev, the DAST run on dev, then prod behind its environment", () => {
      assert.deepEqual(needsOf(deploy.jobs.image), ["checks"]);
      assert.deepEqual(needsOf(deploy.jobs["deploy-dev"]), ["image"]);
      assert.deepEqual(needsOf(deploy.jobs["dast-dev"]), ["deploy-dev"]);
      assert.deepEqual(needsOf(deploy.jobs["deploy-prod"]).sort(), ["dast-dev", "deploy-dev", "image"]);
      assert.equal(environmentOf(deploy.jobs["deploy-dev"]), "dev");
      assert.equal(environmentOf(deploy.jobs["deploy-prod"]), "prod");
      const dast = (deploy.jobs["dast-dev"].steps ?? []).find((s) => s.id === "dast");
      assert.match(String(dast?.run), /^tools\/with-tools scripts\/dast\.sh "\$API_URL"/);
      for (const stack of ["dev", "prod"]) {
        const smoke = (deploy.jobs[`deploy-${stack}`].steps ?? []).find((s) => s.name === "Smoke test");
        assert.match(String(smoke?.run), /curl --fail .*\/health"/);
      }
    });

    it("keeps one concurrency group per stack and never cancels a running deployment", () => {
      for (const stack of ["dev", "prod"]) {
        assert.deepEqual(deploy.jobs[`deploy-${stack}`].concurrency, {
          group: `deploy-${stack}`,
          "cancel-in-progress": false,
        });
      }
    });

    it("runs the same checks as the pull requests, including the dependency scan", () => {
      const checks = workflow("checks.yml");
      assert.deepEqual(Object.keys(checks.on), ["workflow_call"]);
      for (const caller of [deploy, workflow("pull-request.yml")]) {
        assert.equal(caller.jobs.checks.uses, "./.github/workflows/checks.yml");
      }
      const runs = stepsOf(checks).map((s) => s.run ?? "");
      for (const command of [
        "npm run lint",
        "npm run typecheck",
        "npm test",
        "npm run scan",
        "npm audit --audit-level=high",
      ]) {
        assert.ok(runs.includes(command), `checks.yml does not run ${command}`);
      }
      assert.ok(runs.some((r) => /trivy fs --scanners vuln --exit-code 1 .*package-lock\.json/.test(r)));
    });
  });
});
