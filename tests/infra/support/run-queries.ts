/** Queries over a MockedRun that the infrastructure tests share. */
import assert from "node:assert/strict";
import type { MockedRun, RecordedResource } from "../../../scripts/lib/program-under-mocks";

export type Statement = {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
};

export function ofType(run: MockedRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The single resource of a type (optionally whose logical name matches), failing when there is not exactly one. */
export function only(run: MockedRun, type: string, name?: string | RegExp): RecordedResource {
  const matches = ofType(run, type).filter(
    (r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)),
  );
  assert.equal(
    matches.length,
    1,
    `expected one ${type}${name ? ` named ${String(name)}` : ""}, found ${matches.map((r) => r.name).join(", ") || "none"}`,
  );
  return matches[0];
}

export function byUrn(run: MockedRun, urn: string): RecordedResource {
  const found = run.resources.find((r) => r.urn === urn);
  assert.ok(found, `no resource ${urn}`);
  return found;
}

/** Resources whose parent chain reaches the given resource. */
export function descendantsOf(run: MockedRun, ancestor: RecordedResource): RecordedResource[] {
  const isBelow = (r: RecordedResource): boolean => {
    if (!r.parent) return false;
    if (r.parent === ancestor.urn) return true;
    return isBelow(byUrn(run, r.parent));
  };
  return run.resources.filter(isBelow);
}

export const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of the JSON policy document held in an input. */
export function statementsOf(resource: RecordedResource, input = "policy"): Statement[] {
  const document = resource.inputs[input];
  assert.equal(typeof document, "string", `${resource.name}.${input} is not a JSON document`);
  const parsed = JSON.parse(document as string) as { Version: string; Statement: Statement | Statement[] };
  assert.equal(parsed.Version, "2012-10-17");
  return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

export function statement(statements: Statement[], sid: string): Statement {
  const found = statements.find((s) => s.Sid === sid);
  assert.ok(found, `no statement ${sid} in ${statements.map((s) => s.Sid).join(", ")}`);
  return found;
}

/** Every (action, resource) pair an Allow statement grants, as "action on resource". */
export function grants(statements: Statement[]): string[] {
  return statements
    .filter((s) => s.Effect === "Allow")
    .flatMap((s) =>
      list(s.Action).flatMap((action) => list(s.Resource).map((resource) => `${action} on ${resource}`)),
    )
    .sort();
}

export const defaultTestConfig = { "aws:region": "us-east-1" } as const;

/** Runs a body (usually one component) in a fresh mocked stack named "test". */
export { runUnderMocks } from "../../../scripts/lib/program-under-mocks";

/** The default encryption of the run's one bucket: its `applyServerSideEncryptionByDefault`. */
export function bucketDefaultEncryption(run: MockedRun): Record<string, unknown> {
  const configuration = only(
    run,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  );
  const [rule] = configuration.inputs.rules as {
    applyServerSideEncryptionByDefault: Record<string, unknown>;
  }[];
  return rule.applyServerSideEncryptionByDefault;
}
