import assert from "node:assert/strict";
import { SecureBucket } from "../../components/secure-bucket";
import {
  defaultTestConfig,
  descendantsOf,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };

describe("SecureBucket", () => {
  it("blocks every kind of public access, disables ACLs, encrypts, versions and refuses plain HTTP", async () => {
    const run = await runUnderMocks(() => {
      new SecureBucket("files", {});
    }, options);

    const bucket = only(run, "aws:s3/bucket:Bucket");
    assert.equal(bucket.inputs.forceDestroy, false);
    const bucketName = bucket.outputs.bucket;
    const pab = only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    assert.deepEqual(
      [
        pab.inputs.bucket,
        pab.inputs.blockPublicAcls,
        pab.inputs.blockPublicPolicy,
        pab.inputs.ignorePublicAcls,
        pab.inputs.restrictPublicBuckets,
      ],
      [bucketName, true, true, true, true],
    );
    assert.deepEqual(only(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
    assert.deepEqual(
      only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .inputs.rules,
      [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    );
    assert.deepEqual(only(run, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });

    const policy = only(run, "aws:s3/bucketPolicy:BucketPolicy");
    assert.deepEqual(statementsOf(policy), [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    assert.ok(policy.dependencies.includes(pab.urn), "the policy is applied after the public access block");

    const lifecycle = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const rules = lifecycle.inputs.rules as { id: string }[];
    assert.deepEqual(
      rules.map((r) => r.id),
      ["clean-up-versions-and-uploads"],
      "objects never expire unless asked",
    );

    const component = only(run, "shop:s3:SecureBucket");
    assert.equal(descendantsOf(run, component).length, 7);
    for (const child of descendantsOf(run, component)) assert.match(child.name, /^files(-|$)/);
  });

  it("expires objects under a prefix, encrypts with a given key and adds the caller's statements", async () => {
    const run = await runUnderMocks(() => {
      new SecureBucket("reports", {
        forceDestroy: true,
        expirationDays: 30,
        expirationPrefix: "reports/",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        policyStatements: (bucketArn) => [
          {
            sid: "ServiceWrites",
            effect: "Allow",
            principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
            actions: ["s3:PutObject"],
            resources: [bucketArn.apply((arn) => `${arn}/logs/*`)],
            conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
          },
        ],
      });
    }, options);

    assert.equal(only(run, "aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    const rules = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
      .rules as Record<string, unknown>[];
    assert.deepEqual(rules[1], {
      id: "expire-objects",
      status: "Enabled",
      filter: { prefix: "reports/" },
      expiration: { days: 30 },
    });
    assert.deepEqual(
      only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .inputs.rules,
      [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k",
          },
          bucketKeyEnabled: true,
        },
      ],
    );
    const bucketName = only(run, "aws:s3/bucket:Bucket").outputs.bucket;
    const writes = statement(statementsOf(only(run, "aws:s3/bucketPolicy:BucketPolicy")), "ServiceWrites");
    assert.equal(writes.Resource, `arn:aws:s3:::${bucketName}/logs/*`);
  });
});
