import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import request from "supertest";
import * as z from "zod";
import { buildOpenApiDocument } from "../../app/http/openapi";
import { createTestContext, type TestContext } from "../support/local-aws";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ["get", "put", "post", "patch", "delete"];
const document = buildOpenApiDocument() as Json;

const operations = Object.entries(document.paths as Json).flatMap(([template, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({
    template,
    method,
    label: `${method.toUpperCase()} ${template}`,
    operation: item[method] as Json,
    parameters: [...(item.parameters ?? []), ...(item[method].parameters ?? [])] as Json[],
  })),
);

/** The zod schema a component was generated from: an example is checked by the code that validates. */
function zodSchemaOf(componentRef: string): z.ZodType {
  const id = componentRef.replace("#/components/schemas/", "");
  // zod keeps no public lookup by id; its registry's own map is what toJSONSchema names components from.
  const schema = z.globalRegistry._idmap.get(id);
  assert.ok(schema, `no zod schema registered as ${id}`);
  return schema as z.ZodType;
}

/** Every example value in the document, with where it sits. */
function* examplesIn(value: unknown, at: string): Generator<{ at: string; example: unknown }> {
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    if (key === "example") yield { at, example: child };
    else if (key !== "schema" && key !== "components") yield* examplesIn(child, `${at}/${key}`);
  }
}

function* leavesOf(value: unknown, at = ""): Generator<{ at: string; leaf: unknown }> {
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) yield* leavesOf(child, `${at}/${key}`);
  } else yield { at, leaf: value };
}

describe("OpenAPI document (/openapi.json)", () => {
  it("names its license, its servers, its tags and a bearer security scheme", () => {
    assert.equal(document.info.license.identifier, "Apache-2.0");
    assert.ok(document.servers.length >= 1);
    for (const server of document.servers) assert.ok(server.description, server.url);
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description: document.components.securitySchemes.bearerAuth.description,
    });
    for (const tag of document.tags) assert.ok(tag.description, tag.name);
  });

  it("gives every operation a unique operationId, one declared tag, a summary, a description and security", () => {
    const tagNames = new Set(document.tags.map((tag: Json) => tag.name));
    const ids = new Set<string>();
    assert.ok(operations.length >= 18);
    for (const { label, operation } of operations) {
      assert.match(operation.operationId ?? "", /^[a-z][A-Za-z]+$/, label);
      assert.ok(!ids.has(operation.operationId), `${label}: operationId ${operation.operationId} twice`);
      ids.add(operation.operationId);
      assert.equal(operation.tags?.length, 1, label);
      assert.ok(tagNames.has(operation.tags[0]), `${label}: tag ${operation.tags[0]} is not declared`);
      assert.ok(operation.summary?.length > 3, `${label}: summary`);
      assert.ok(operation.description?.length > 20, `${label}: description`);
      assert.ok(Array.isArray(operation.security), `${label}: security must be stated, [] when public`);
      for (const requirement of operation.security) assert.deepEqual(requirement, { bearerAuth: [] }, label);
    }
  });

  it("describes every parameter and gives it an example its schema accepts", () => {
    for (const { label, parameters } of operations) {
      for (const parameter of parameters) {
        const where = `${label} ${parameter.in} ${parameter.name}`;
        assert.ok(parameter.description?.length > 10, `${where}: description`);
        assert.notEqual(parameter.example, undefined, `${where}: example`);
        const schema = parameter.schema;
        if (schema.pattern) assert.match(String(parameter.example), new RegExp(schema.pattern), where);
        if (schema.format === "uuid") assert.ok(z.uuid().safeParse(parameter.example).success, where);
        if (schema.maximum !== undefined) assert.ok(Number(parameter.example) <= schema.maximum, where);
      }
    }
  });

  it("gives every request body and every response with a body an example its schema accepts", () => {
    let checked = 0;
    for (const { label, operation } of operations) {
      const bodies: [string, Json][] = [
        ...(operation.requestBody ? [["request", operation.requestBody] as [string, Json]] : []),
        ...Object.entries(operation.responses as Json).map(
          ([status, response]) => [status, response] as [string, Json],
        ),
      ];
      for (const [what, { content }] of bodies) {
        if (!content) continue;
        for (const [mediaType, media] of Object.entries(content as Json)) {
          const where = `${label} ${what} ${mediaType}`;
          assert.notEqual(media.example, undefined, `${where}: example`);
          const parsed = zodSchemaOf(media.schema.$ref).safeParse(media.example);
          assert.ok(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`);
          if (mediaType === "application/problem+json") {
            assert.equal(String(media.example.status), what === "default" ? "500" : what, where);
          }
          checked++;
        }
      }
    }
    assert.ok(checked > 60, `only ${checked} bodies`);
  });

  it("has no generated noise in its examples: no extreme numbers, no dates outside this century", () => {
    for (const { at, example } of examplesIn(document.paths, "#/paths")) {
      for (const { at: inner, leaf } of leavesOf(example)) {
        if (typeof leaf === "number") assert.ok(Math.abs(leaf) < 1e10, `${at}${inner}: ${leaf}`);
        if (typeof leaf === "string" && /^\d{4}-\d\d-\d\dT/.test(leaf)) {
          const year = Number(leaf.slice(0, 4));
          assert.ok(year >= 2020 && year < 2100 && !Number.isNaN(Date.parse(leaf)), `${at}${inner}: ${leaf}`);
        }
      }
    }
  });

  it("passes Redocly's recommended rules with no error and no warning (npm run lint:openapi)", function () {
    this.timeout(60_000);
    const root = path.resolve(__dirname, "../..");
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/lint-openapi.ts"], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /0 error\(s\), 0 warning\(s\)/);
  });
});

describe("OpenAPI document: security as the API enforces it", () => {
  let context: TestContext;
  before(async () => {
    context = await createTestContext();
  });

  /** The operation's path with its parameters' examples, and its request body's example. */
  function exampleRequest({ template, method, parameters, operation }: (typeof operations)[number]) {
    let url = template;
    for (const parameter of parameters.filter((p) => p.in === "path")) {
      url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(parameter.example)));
    }
    const body = operation.requestBody?.content["application/json"].example;
    return request(context.app)[method as "get"](url).send(body);
  }

  it("answers 401 without a token exactly where security names bearerAuth", async () => {
    for (const entry of operations) {
      const response = await exampleRequest(entry);
      const requiresToken = response.status === 401 && response.body.detail === "An access token is required";
      assert.equal(requiresToken, entry.operation.security.length > 0, `${entry.label}: ${response.status}`);
    }
  });
});
