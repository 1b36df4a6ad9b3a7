/**
 * actionlint and zizmor, the real tools (`npm run tools`), through scripts/lint-workflows.sh, the entry
 * point `npm run scan` uses: the workflows pass, and a copy with one planted mistake fails, so a finding
 * cannot go unnoticed because a linter silently checked nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repositoryRoot } from "./support/repo-files";

const script = path.join(repositoryRoot, "scripts", "lint-workflows.sh");

function lint(directory: string): { status: number | null; output: string } {
  const result = spawnSync("bash", [script, directory], { encoding: "utf8", timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A copy of the repository's .github, changed by `plant`. */
function plantedCopy(plant: (workflows: string) => void): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "shop-workflows-"));
  fs.cpSync(path.join(repositoryRoot, ".github"), path.join(directory, ".github"), { recursive: true });
  plant(path.join(directory, ".github", "workflows"));
  return directory;
}

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  assert.ok(text.includes(from), `${path.basename(file)} has no "${from}" to replace`);
  fs.writeFileSync(file, text.replace(from, to));
}

describe("workflow linters (actionlint, zizmor)", function () {
  this.timeout(240_000);
  const copies: string[] = [];
  after(() => copies.forEach((copy) => fs.rmSync(copy, { recursive: true, force: true })));
  const copy = (plant: (workflows: string) => void) => {
    const directory = plantedCopy(plant);
    copies.push(directory);
    return directory;
  };

  it("find nothing in the repository's workflows", () => {
    const result = lint(repositoryRoot);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /No findings to report/);
  });

  it("refuse an action pinned by tag instead of commit", () => {
    const result = lint(
      copy((workflows) =>
        edit(
          path.join(workflows, "checks.yml"),
          "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0",
          "actions/setup-node@v7",
        ),
      ),
    );
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /unpinned-uses/);
  });

  it("refuse a pull request's title expanded in a run: line", () => {
    const result = lint(
      copy((workflows) =>
        edit(
          path.join(workflows, "pull-request.yml"),
          "      - run: npm ci --no-audit --no-fund\n",
          '      - run: npm ci --no-audit --no-fund\n      - run: echo "${{ github.event.pull_request.title }}"\n',
        ),
      ),
    );
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /template-injection/);
    // actionlint reports it too: "github.event.pull_request.title" is potentially untrusted.
    assert.match(result.output, /potentially untrusted/);
  });

  it("refuse a run: block that shellcheck finds fault with", () => {
    const result = lint(
      copy((workflows) =>
        edit(path.join(workflows, "deploy.yml"), 'docker push "$IMAGE_TAG"', "docker push $IMAGE_TAG"),
      ),
    );
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /SC2086/);
  });
});
