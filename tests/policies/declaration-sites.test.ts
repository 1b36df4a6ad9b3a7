import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { declarationFrame, fallbackSite } from "../../scripts/preview/declaration-sites";

describe("declaration sites of the offline preview", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sites-"));
  fs.mkdirSync(path.join(root, "components", "api"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "components", "api", "index.ts"),
    'import * as pulumi from "@pulumi/pulumi";\n\nexport class Api extends pulumi.ComponentResource {\n  constructor(name: string) {\n    super("shop:api:Api", name);\n  }\n}\n',
  );

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("takes the first frame in the project's own code, past the SDK, the preview and the mock runner", () => {
    const stack = [
      "Error",
      "    at Object.transformation (/x/node_modules/@pulumi/pulumi/resource.js:10:5)",
      `    at recordDeclarationSite (${root}/scripts/preview/declaration-sites.ts:70:3)`,
      `    at new CustomResource (${root}/node_modules/@pulumi/pulumi/resource.js:300:9)`,
      `    at new Api (${root}/components/api/index.ts:42:17)`,
      `    at ${root}/index.ts:12:3`,
    ].join("\n");
    assert.deepEqual(declarationFrame(stack, root), {
      file: "components/api/index.ts",
      line: 42,
      column: 17,
    });
    assert.equal(
      declarationFrame(`Error\n    at run (${root}/scripts/lib/program-under-mocks.ts:1:1)`, root),
      undefined,
    );
    assert.equal(declarationFrame(undefined, root), undefined);
  });

  it("falls back to the nearest component's file, then to index.ts", () => {
    assert.deepEqual(fallbackSite(["shop:other:Thing", "shop:api:Api"], root), {
      file: "components/api/index.ts",
      line: 5,
    });
    assert.deepEqual(fallbackSite([], root), { file: "index.ts", line: 1 });
  });
});
