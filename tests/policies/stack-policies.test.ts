import { strict as assert } from "node:assert";
import { policies } from "../../policies/pack";
import { arn, json, P, resource } from "./corpus/case";
import { analyzeStack, of, unknownString, urnOf, violatedPolicies } from "./harness";

const detail = (message: string) => message.split("\n").slice(1).join("\n");
const bucketType = "aws:s3/bucket:Bucket";
const bucket = (name: string, extra: Record<string, unknown> = {}) =>
  resource(bucketType, name, {
    id: `${name}-id`,
    bucket: `${name}-id`,
    arn: arn.bucket(`${name}-id`),
    ...extra,
  });
const block = (name: string, target: string) =>
  resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name, {
    bucket: target,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
const tlsOnly = (target: string, condition: unknown = { Bool: { "aws:SecureTransport": "false" } }) =>
  resource("aws:s3/bucketPolicy:BucketPolicy", `${target}-tls`, {
    bucket: target,
    policy: json({
      Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: condition }],
    }),
  });
const versioning = (target: string, status = "Enabled", type = "aws:s3/bucketVersioning:BucketVersioning") =>
  resource(type, `${target}-versioning`, { bucket: target, versioningConfiguration: { status } });

describe("stack policies", () => {
  describe("s3-bucket-public-access-block", () => {
    it("names the bucket and reports it on the bucket's URN", async () => {
      const result = await analyzeStack(policies, [
        bucket("reports"),
        tlsOnly("reports-id"),
        versioning("reports-id"),
      ]);
      const [diagnostic] = of(result, P.s3Block);
      assert.equal(diagnostic.urn, urnOf(bucketType, "reports"));
      assert.equal(
        detail(diagnostic.message),
        'bucket "reports" has no public access block; add an aws.s3.BucketPublicAccessBlock for it.',
      );
    });

    it("links a block through property dependencies when the bucket id is unknown (preview)", async () => {
      const previewBlock = {
        ...block("reports-block", unknownString),
        propertyDependencies: { bucket: [urnOf(bucketType, "reports")] },
      };
      const result = await analyzeStack(policies, [bucket("reports"), previewBlock]);
      assert.deepEqual(of(result, P.s3Block), []);
    });

    it("accepts an account-wide block for every bucket, including the deprecated BucketV2", async () => {
      const account = resource("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const legacy = resource("aws:s3/bucketV2:BucketV2", "legacy", { id: "legacy-id", bucket: "legacy-id" });
      assert.deepEqual(of(await analyzeStack(policies, [legacy]), P.s3Block).length, 1);
      assert.deepEqual(of(await analyzeStack(policies, [legacy, account]), P.s3Block), []);
    });
  });

  describe("s3-bucket-tls-only and s3-bucket-versioning (advisory)", () => {
    it("accept the Deny written with a boolean false, on the bucket's own policy input", async () => {
      const inline = bucket("inline", {
        policy: {
          Statement: [
            {
              Effect: "Deny",
              Principal: { AWS: "*" },
              Action: "*",
              Resource: "*",
              Condition: { Bool: { "aws:SecureTransport": false } },
            },
          ],
        },
        versioning: { enabled: true },
      });
      const result = await analyzeStack(policies, [inline, block("inline-block", "inline-id")]);
      assert.deepEqual([...of(result, "s3-bucket-tls-only"), ...of(result, "s3-bucket-versioning")], []);
    });

    it("flag a Deny on the wrong condition and suspended versioning", async () => {
      const result = await analyzeStack(policies, [
        bucket("reports"),
        block("reports-block", "reports-id"),
        tlsOnly("reports-id", { Bool: { "aws:MultiFactorAuthPresent": "false" } }),
        versioning("reports-id", "Suspended", "aws:s3/bucketVersioningV2:BucketVersioningV2"),
      ]);
      assert.deepEqual(violatedPolicies(result), []);
      assert.deepEqual(
        violatedPolicies(result, "advisory").filter((name) => /tls-only|versioning/.test(name)),
        ["s3-bucket-tls-only", "s3-bucket-versioning"],
      );
    });

    // Found by the real engine: in the preview of a first deployment the bucket policy's document depends
    // on the bucket's ARN and is unknown; a mandatory tls-only (the ci stack) failed every such preview.
    it("judge no bucket whose policy document is unknown (preview), and still flag the known ones", async () => {
      const pending = {
        ...resource("aws:s3/bucketPolicy:BucketPolicy", "artifacts-tls", {
          bucket: unknownString,
          policy: unknownString,
        }),
        propertyDependencies: { bucket: [urnOf(bucketType, "artifacts")] },
      };
      const result = await analyzeStack(policies, [bucket("artifacts"), pending, bucket("plain")], {
        enforcementLevels: { "s3-bucket-tls-only": "mandatory" },
      });
      const messages = of(result, "s3-bucket-tls-only").map((diagnostic) => diagnostic.message);
      assert.equal(messages.length, 2, messages.join("\n"));
      assert.ok(messages.some((message) => message.includes('bucket "plain" accepts requests without TLS')));
      assert.ok(messages.some((message) => /can't run policy .* during preview/.test(message)));
      assert.ok(!messages.some((message) => message.includes('bucket "artifacts" accepts')));
    });
  });

  describe("s3-bucket-access-logging (advisory)", () => {
    const trail = (advancedEventSelectors: unknown) =>
      resource("aws:cloudtrail/trail:Trail", "audit", { s3BucketName: "audit-id", advancedEventSelectors });
    const dataEvents = (field: string, prefixes: string[]) => [
      { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
      {
        name: "Objects",
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", [field]: prefixes },
        ],
      },
    ];
    const flagged = async (...extra: ReturnType<typeof resource>[]) =>
      of(await analyzeStack(policies, [bucket("reports"), ...extra]), "s3-bucket-access-logging").map(
        (diagnostic) => detail(diagnostic.message),
      );

    it("accepts a trail whose advanced selectors record the bucket's object events (startsWiths, as @pulumi/aws names it)", async () => {
      assert.deepEqual(await flagged(trail(dataEvents("startsWiths", [`${arn.bucket("reports-id")}/`]))), []);
    });

    it("flags a bucket no trail selector covers: another bucket's prefix, or management events only", async () => {
      for (const selectors of [
        dataEvents("startsWiths", [`${arn.bucket("other-id")}/`]),
        dataEvents("startsWiths", []).slice(0, 1),
      ]) {
        const messages = await flagged(trail(selectors));
        assert.equal(messages.length, 1);
        assert.match(
          messages[0],
          /bucket "reports" has no server access logging and no trail records its data events/,
        );
      }
    });

    it("accepts server access logging to another bucket", async () => {
      const logging = resource("aws:s3/bucketLogging:BucketLogging", "reports-logging", {
        bucket: "reports-id",
        targetBucket: "logs-id",
        targetPrefix: "reports/",
      });
      assert.deepEqual(await flagged(logging), []);
    });
  });

  describe("ecr-repository-lifecycle-policy", () => {
    it("links the lifecycle policy through property dependencies", async () => {
      const repository = resource("aws:ecr/repository:Repository", "app", { name: "shop-app" });
      const lifecycle = {
        ...resource("aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle", {
          repository: unknownString,
          policy: "{}",
        }),
        propertyDependencies: { repository: [urnOf("aws:ecr/repository:Repository", "app")] },
      };
      const enabler = resource("aws:inspector2/enabler:Enabler", "scan", {
        accountIds: ["1"],
        resourceTypes: ["ECR"],
      });
      assert.deepEqual((await analyzeStack(policies, [repository, lifecycle, enabler])).diagnostics, []);
      assert.deepEqual(violatedPolicies(await analyzeStack(policies, [repository, enabler])), [
        P.ecrLifecycle,
      ]);
    });
  });

  describe("inspector-scanning-enabled", () => {
    it("asks nothing of a stack without repositories or functions, and names what is missing", async () => {
      assert.deepEqual(
        (await analyzeStack(policies, [resource("aws:sns/topic:Topic", "t", { kmsMasterKeyId: "k" })]))
          .diagnostics,
        [],
      );
      const result = await analyzeStack(policies, [
        resource("aws:lambda/function:Function", "fn", {}),
        resource("aws:inspector2/enabler:Enabler", "scan", { accountIds: ["1"], resourceTypes: ["ecr"] }),
      ]);
      assert.deepEqual(
        of(result, P.inspector).map((d) => detail(d.message)),
        [
          'the stack has LAMBDA resources but Inspector v2 does not scan LAMBDA; add an aws.inspector2.Enabler with resourceTypes ["LAMBDA"].',
        ],
      );
    });
  });

  describe("lambda-async-failure-destination (advisory)", () => {
    const fnType = "aws:lambda/function:Function";
    const fn = (extra: Record<string, unknown> = {}) =>
      resource(fnType, "report", {
        id: "shop-report",
        name: "shop-report",
        arn: arn.function("shop-report"),
        ...extra,
      });
    const permission = (principal: string) =>
      resource("aws:lambda/permission:Permission", `invoke-${principal}`, {
        function: "shop-report",
        principal,
        sourceArn: "x",
      });

    it("flags a function EventBridge invokes with nowhere to keep failed events", async () => {
      const result = await analyzeStack(policies, [fn(), permission("events.amazonaws.com")]);
      const [diagnostic] = of(result, "lambda-async-failure-destination");
      assert.equal(diagnostic.enforcementLevel, "advisory");
      assert.equal(diagnostic.urn, urnOf(fnType, "report"));
    });

    it("accepts a dead-letter queue, an on-failure destination or a target queue; ignores synchronous callers", async () => {
      const cases = [
        [fn({ deadLetterConfig: { targetArn: arn.queue("dlq") } }), permission("events.amazonaws.com")],
        [
          fn(),
          permission("events.amazonaws.com"),
          resource("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async", {
            functionName: "shop-report",
            destinationConfig: { onFailure: { destination: arn.queue("dlq") } },
          }),
        ],
        [
          fn(),
          permission("events.amazonaws.com"),
          resource("aws:cloudwatch/eventTarget:EventTarget", "target", {
            arn: arn.function("shop-report"),
            rule: "schedule",
            deadLetterConfig: { arn: arn.queue("dlq") },
          }),
        ],
        [fn(), permission("apigateway.amazonaws.com")],
      ];
      for (const resources of cases) {
        assert.deepEqual(of(await analyzeStack(policies, resources), "lambda-async-failure-destination"), []);
      }
    });
  });

  describe("secretsmanager-secret-rotation (advisory)", () => {
    it("is satisfied by a rotation that refers to the secret", async () => {
      const secret = resource("aws:secretsmanager/secret:Secret", "jwt", {
        arn: arn.secret("jwt"),
        kmsKeyId: "k",
      });
      const rotation = resource("aws:secretsmanager/secretRotation:SecretRotation", "jwt-rotation", {
        secretId: arn.secret("jwt"),
        rotationLambdaArn: arn.function("rotate"),
      });
      assert.deepEqual(
        of(await analyzeStack(policies, [secret]), "secretsmanager-secret-rotation").length,
        1,
      );
      assert.deepEqual((await analyzeStack(policies, [secret, rotation])).diagnostics, []);
    });
  });
});
