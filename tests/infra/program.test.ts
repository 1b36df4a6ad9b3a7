/**
 * The whole program (index.ts) under mocks, for each stack file, through scripts/lib/program-under-mocks.
 */
import assert from "node:assert/strict";
import { apiTableAccess, tables, type TableKey } from "../../app/data/tables";
import { cloudWatchRetentionDays } from "../../components/stack-config";
import {
  listStackNames,
  readStackConfig,
  runProgramUnderMocks,
  type MockedRun,
  type RecordedResource,
} from "../../scripts/lib/program-under-mocks";
import { byUrn, grants, list, ofType, only, statementsOf, type Statement } from "./support/run-queries";

const componentTypes = [
  "shop:kms:EncryptionKey",
  "shop:monitoring:AlertTopic",
  "shop:inspector:VulnerabilityScanning",
  "shop:cloudtrail:AuditTrail",
  "shop:ecr:ContainerRegistry",
  "shop:image:AppImage",
  "shop:dynamodb:DataTables",
  "shop:secrets:JwtSigningKey",
  "shop:report:WeeklyReport",
  "shop:api:ApiService",
  "shop:monitoring:Monitoring",
];

/** Inputs that hold IAM documents, per resource type. */
const documentInputs: Record<string, string[]> = {
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
};

const functionNamed = (run: MockedRun, name: string) =>
  ofType(run, "aws:lambda/function:Function").find((f) => f.inputs.name === name)!;
const tablesByKey = (run: MockedRun, prefix: string) =>
  Object.fromEntries(
    (Object.keys(tables) as TableKey[]).map((key) => [
      key,
      ofType(run, "aws:dynamodb/table:Table").find((t) => t.inputs.name === `${prefix}-${tables[key].name}`)!,
    ]),
  ) as Record<TableKey, RecordedResource>;
const isPublicPrincipal = (principal: unknown) =>
  principal === "*" ||
  (typeof principal === "object" &&
    principal !== null &&
    list((principal as { AWS?: string | string[] }).AWS).includes("*"));

describe("the Pulumi program", () => {
  const runs: Record<string, MockedRun> = {};
  before(async function () {
    this.timeout(60_000);
    runs.dev = await runProgramUnderMocks({ stack: "dev" });
    runs.prod = await runProgramUnderMocks({ stack: "prod" });
  });

  for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack`, () => {
      const run = () => runs[stack];
      const prefix = `shop-${stack}`;

      it("composes every component and exports the six stack outputs, none of them secret", () => {
        for (const type of componentTypes) assert.ok(ofType(run(), type).length >= 1, `${type} is composed`);
        assert.deepEqual(Object.keys(run().outputs).sort(), [
          "alertTopicArn",
          "apiUrl",
          "dashboardUrl",
          "imageDigest",
          "reportsBucket",
          "repositoryUrl",
        ]);
        assert.ok(
          Object.values(run().outputs).every(
            (o) => !o.secret && typeof o.value === "string" && o.value !== "",
          ),
        );

        const outputs = Object.fromEntries(Object.entries(run().outputs).map(([k, o]) => [k, o.value]));
        assert.equal(outputs.apiUrl, only(run(), "aws:apigatewayv2/stage:Stage").outputs.invokeUrl);
        assert.equal(
          outputs.repositoryUrl,
          only(run(), "aws:ecr/repository:Repository").outputs.repositoryUrl,
        );
        assert.equal(outputs.alertTopicArn, only(run(), "aws:sns/topic:Topic").outputs.arn);
        assert.equal(outputs.imageDigest, only(run(), "docker-build:index:Image").outputs.digest);
        const reportBucket = ofType(run(), "aws:s3/bucket:Bucket").find(
          (b) => b.name === `${prefix}-report-bucket`,
        )!;
        assert.equal(outputs.reportsBucket, reportBucket.outputs.bucket);
        assert.equal(
          outputs.dashboardUrl,
          `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=${prefix}-monitoring`,
        );
      });

      it("runs both functions from the pushed image by digest; the report function with the report handler", () => {
        const image = only(run(), "docker-build:index:Image");
        const repositoryUrl = run().outputs.repositoryUrl.value as string;
        const pinned = `${repositoryUrl}@${image.outputs.digest as string}`;
        assert.equal(functionNamed(run(), `${prefix}-api`).inputs.imageUri, pinned);
        assert.equal(functionNamed(run(), `${prefix}-report`).inputs.imageUri, pinned);
        assert.equal(functionNamed(run(), `${prefix}-api`).inputs.imageConfig, undefined);
        assert.deepEqual(functionNamed(run(), `${prefix}-report`).inputs.imageConfig, {
          commands: ["report/index.handler"],
        });
        assert.match(
          (image.inputs.tags as string[])[0],
          new RegExp(`^${repositoryUrl}:0\\.1\\.0-[0-9a-f]{12}$`),
        );
        assert.deepEqual(image.inputs.platforms, ["linux/amd64"]);
        // The image's code caches are filled for the memory size this stack's API runs with.
        assert.equal(
          (image.inputs.buildArgs as Record<string, string>).API_MEMORY_SIZES,
          String(functionNamed(run(), `${prefix}-api`).inputs.memorySize),
        );
        assert.equal(
          (image.inputs.context as { location: string }).location,
          (image.inputs.dockerfile as { location: string }).location.replace(/\/Dockerfile$/, ""),
        );
      });

      it("grants the API function exactly the app's table actions, the index queries, the secret and the report objects", () => {
        const byKey = tablesByKey(run(), prefix);
        const arn = (key: TableKey) => byKey[key].outputs.arn as string;
        const api = only(run(), "aws:iam/rolePolicy:RolePolicy", `${prefix}-api-function-policy`);
        const bucketArn = ofType(run(), "aws:s3/bucket:Bucket").find(
          (b) => b.name === `${prefix}-report-bucket`,
        )!.outputs.arn as string;
        const secret = only(run(), "aws:secretsmanager/secret:Secret");
        const reportKey = only(run(), "aws:kms/key:Key", `${prefix}-report-key`).outputs.arn as string;
        const logs = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${prefix}-api:*`;
        const expected = [
          ...(Object.keys(apiTableAccess) as TableKey[]).flatMap((key) =>
            apiTableAccess[key].map((action) => `${action} on ${arn(key)}`),
          ),
          `dynamodb:Query on ${arn("orders")}/index/byUser`,
          `dynamodb:Query on ${arn("orders")}/index/byWeek`,
          `dynamodb:Query on ${arn("products")}/index/byCategory`,
          `secretsmanager:GetSecretValue on ${secret.outputs.arn as string}`,
          `kms:Decrypt on ${secret.inputs.kmsKeyId as string}`,
          `s3:PutObject on ${bucketArn}/reports/*`,
          `s3:GetObject on ${bucketArn}/reports/*`,
          `kms:Decrypt on ${reportKey}`,
          `kms:GenerateDataKey on ${reportKey}`,
          `logs:CreateLogStream on ${logs}`,
          `logs:PutLogEvents on ${logs}`,
          "xray:PutTelemetryRecords on *",
          "xray:PutTraceSegments on *",
          ...(stack === "prod"
            ? [
                `kms:Decrypt on ${(byKey.orders.inputs.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn}`,
              ]
            : []),
        ].sort();
        assert.deepEqual(grants(statementsOf(api)), expected);
      });

      it("schedules the report function every Monday 01:00 UTC and lets only that rule invoke it", () => {
        const rule = ofType(run(), "aws:cloudwatch/eventRule:EventRule").find(
          (r) => r.inputs.scheduleExpression,
        )!;
        assert.equal(rule.inputs.scheduleExpression, "cron(0 1 ? * MON *)");
        const report = functionNamed(run(), `${prefix}-report`);
        const target = ofType(run(), "aws:cloudwatch/eventTarget:EventTarget").find(
          (t) => t.inputs.rule === rule.outputs.name,
        )!;
        assert.equal(target.inputs.arn, report.outputs.arn);
        const permission = ofType(run(), "aws:lambda/permission:Permission").find(
          (p) => p.inputs.function === report.outputs.name,
        )!;
        assert.deepEqual(
          [permission.inputs.principal, permission.inputs.sourceArn],
          ["events.amazonaws.com", rule.outputs.arn],
        );
      });

      it("lets API Gateway invoke the API function only from this API's execution ARN", () => {
        const api = only(run(), "aws:apigatewayv2/api:Api");
        const permission = ofType(run(), "aws:lambda/permission:Permission").find(
          (p) => p.inputs.principal === "apigateway.amazonaws.com",
        )!;
        assert.equal(permission.inputs.function, `${prefix}-api`);
        assert.equal(permission.inputs.sourceArn, `${api.outputs.executionArn as string}/*/*`);
      });

      it("wires every alarm to the alert topic, and Inspector findings through a rule the topic admits", () => {
        const topicArn = run().outputs.alertTopicArn.value;
        const alarms = ofType(run(), "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.ok(alarms.length >= 20);
        for (const alarm of alarms)
          assert.deepEqual(alarm.inputs.alarmActions, [topicArn], `${alarm.name} notifies the topic`);
        const names = alarms.map((a) => a.inputs.name as string);
        for (const expected of [
          `${prefix}-monitoring-api-errors`,
          `${prefix}-monitoring-report-errors`,
          `${prefix}-monitoring-api-5xx-rate`,
          `${prefix}-report-failed`,
          `${prefix}-audit-root-account-usage`,
        ]) {
          assert.ok(names.includes(expected), `alarm ${expected}`);
        }

        const findings = ofType(run(), "aws:cloudwatch/eventRule:EventRule").find(
          (r) => r.inputs.eventPattern,
        )!;
        const target = ofType(run(), "aws:cloudwatch/eventTarget:EventTarget").find(
          (t) => t.inputs.rule === findings.outputs.name,
        )!;
        assert.equal(target.inputs.arn, topicArn);
        const admitted = statementsOf(only(run(), "aws:sns/topicPolicy:TopicPolicy")).find(
          (s) => s.Sid === "NamedEventBridgeRules",
        )!;
        assert.deepEqual(admitted.Condition, { ArnEquals: { "aws:SourceArn": findings.outputs.arn } });
      });

      it("puts every AWS resource behind the program's provider, whose default tags name project, stack and owner", () => {
        const provider = only(run(), "pulumi:providers:aws");
        // The SDK sends a provider's object-valued inputs JSON-encoded, as the engine receives them.
        assert.deepEqual(JSON.parse(provider.inputs.defaultTags as string), {
          tags: { project: "shop-infra", stack, owner: "platform-team" },
        });
        assert.equal(provider.inputs.region, "us-east-1");
        const reference = `${provider.urn}::${provider.id}`;
        const awsResources = run().resources.filter((r) => r.custom && r.type.startsWith("aws:"));
        assert.ok(awsResources.length > 80);
        for (const resource of awsResources)
          assert.equal(resource.provider, reference, `${resource.name} uses the tagged provider`);
      });

      it("sets a retention on every log group and names the functions' groups /aws/lambda/<function>", () => {
        const logGroups = ofType(run(), "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logGroups.length, 5);
        for (const group of logGroups)
          assert.ok(
            cloudWatchRetentionDays.includes(group.inputs.retentionInDays as number),
            `${group.name} has a retention`,
          );
        for (const name of [`${prefix}-api`, `${prefix}-report`, `${prefix}-jwt-signing-key-rotation`]) {
          const fn = functionNamed(run(), name);
          const group = logGroups.find((g) => g.inputs.name === `/aws/lambda/${name}`)!;
          assert.equal((fn.inputs.loggingConfig as { logGroup: string }).logGroup, group.inputs.name);
          assert.ok(fn.dependencies.includes(group.urn));
          assert.ok(group.inputs.kmsKeyId, "log groups are encrypted with the logs key");
        }
      });

      it("keeps IAM documents least-privilege: no wildcard actions, no public principals, `*` resources only where AWS needs them", () => {
        const starOnlyActions = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
        let documents = 0;
        for (const resource of run().resources) {
          for (const input of documentInputs[resource.type] ?? []) {
            documents++;
            const identityPolicy = resource.type === "aws:iam/rolePolicy:RolePolicy";
            for (const s of statementsOf(resource, input) as Statement[]) {
              if (s.Effect !== "Allow") continue;
              assert.equal(
                s.NotAction ?? s.NotResource,
                undefined,
                `${resource.name}: no NotAction/NotResource`,
              );
              const accountRoot = resource.type === "aws:kms/key:Key" && s.Sid === "AccountAdministration";
              if (!accountRoot) {
                for (const action of list(s.Action))
                  assert.ok(!action.endsWith("*"), `${resource.name}: ${action}`);
              }
              assert.ok(
                !isPublicPrincipal(s.Principal) || s.Condition,
                `${resource.name}: public principal without condition`,
              );
              if (identityPolicy) {
                for (const r of list(s.Resource)) {
                  if (r === "*")
                    assert.ok(
                      list(s.Action).every((a) => starOnlyActions.has(a)),
                      `${resource.name}: * only for actions that need it`,
                    );
                }
              }
            }
          }
        }
        assert.ok(documents >= 15);
      });

      it("never exposes the JWT signing key: secret in state, absent from every plain input, output and stack output", () => {
        const password = only(run(), "random:index/randomPassword:RandomPassword");
        const value = password.outputs.result as string;
        assert.ok(value.length >= 64 && password.secretOutputs.includes("result"));
        const version = only(run(), "aws:secretsmanager/secretVersion:SecretVersion");
        assert.ok(version.secretInputs.includes("secretString"));
        const plain = (values: Readonly<Record<string, unknown>>, secret: readonly string[]) =>
          JSON.stringify(Object.entries(values).filter(([key]) => !secret.includes(key)));
        for (const resource of run().resources) {
          assert.ok(
            !plain(resource.inputs, resource.secretInputs).includes(value),
            `${resource.name} inputs`,
          );
          assert.ok(
            !plain(resource.outputs, resource.secretOutputs).includes(value),
            `${resource.name} outputs`,
          );
        }
        for (const [key, output] of Object.entries(run().outputs))
          assert.ok(output.secret || !JSON.stringify(output.value).includes(value), key);
      });

      it("gives every child a parent and a name derived from its component's name", () => {
        const stackUrn = only(run(), "pulumi:pulumi:Stack").urn;
        for (const resource of run().resources) {
          if (resource.urn === stackUrn) continue;
          assert.ok(resource.parent, `${resource.name} has a parent`);
          if (resource.parent === stackUrn) {
            assert.ok(
              resource.name.startsWith(`${prefix}-`),
              `${resource.name} is prefixed with the stack's prefix`,
            );
            continue;
          }
          const parent = byUrn(run(), resource.parent);
          assert.ok(
            resource.name === parent.name || resource.name.startsWith(`${parent.name}-`),
            `${resource.name} under ${parent.name}`,
          );
        }
      });
    });
  }

  describe("dev and prod differ through config only", () => {
    const pick = (run: MockedRun, type: string, read: (r: RecordedResource) => unknown) =>
      ofType(run, type).map(read);

    it("dev is disposable, prod is protected", () => {
      assert.deepEqual(
        pick(runs.dev, "aws:ecr/repository:Repository", (r) => r.inputs.forceDelete),
        [true],
      );
      assert.deepEqual(
        pick(runs.prod, "aws:ecr/repository:Repository", (r) => r.inputs.forceDelete),
        [false],
      );
      assert.deepEqual(
        pick(runs.dev, "aws:s3/bucket:Bucket", (r) => r.inputs.forceDestroy),
        [true, true],
      );
      assert.deepEqual(
        pick(runs.prod, "aws:s3/bucket:Bucket", (r) => r.inputs.forceDestroy),
        [false, false],
      );
      assert.ok(
        pick(runs.dev, "aws:dynamodb/table:Table", (r) => r.inputs.deletionProtectionEnabled).every(
          (p) => p === false,
        ),
      );
      assert.ok(
        pick(runs.prod, "aws:dynamodb/table:Table", (r) => r.inputs.deletionProtectionEnabled).every(
          (p) => p === true,
        ),
      );
      assert.deepEqual(
        pick(runs.dev, "aws:secretsmanager/secret:Secret", (r) => r.inputs.recoveryWindowInDays),
        [0],
      );
      assert.deepEqual(
        pick(runs.prod, "aws:secretsmanager/secret:Secret", (r) => r.inputs.recoveryWindowInDays),
        [30],
      );
      assert.ok(
        pick(runs.dev, "aws:kms/key:Key", (r) => r.inputs.deletionWindowInDays).every((d) => d === 7),
      );
      assert.ok(
        pick(runs.prod, "aws:kms/key:Key", (r) => r.inputs.deletionWindowInDays).every((d) => d === 30),
      );
    });

    it("prod keeps logs longer, runs more concurrency and memory, and encrypts tables with its own key", () => {
      const retention = (run: MockedRun, name: string) =>
        ofType(run, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === name)!.inputs
          .retentionInDays;
      assert.deepEqual(
        [retention(runs.dev, "/aws/lambda/shop-dev-api"), retention(runs.prod, "/aws/lambda/shop-prod-api")],
        [7, 365],
      );
      assert.deepEqual(
        [
          retention(runs.dev, "/aws/cloudtrail/shop-dev-audit"),
          retention(runs.prod, "/aws/cloudtrail/shop-prod-audit"),
        ],
        [30, 365],
      );
      const api = (run: MockedRun, stack: string) => functionNamed(run, `shop-${stack}-api`).inputs;
      assert.deepEqual(
        [
          api(runs.dev, "dev").reservedConcurrentExecutions,
          api(runs.prod, "prod").reservedConcurrentExecutions,
        ],
        [5, 200],
      );
      assert.deepEqual([api(runs.dev, "dev").memorySize, api(runs.prod, "prod").memorySize], [512, 1024]);
      const throttling = (run: MockedRun) =>
        (
          only(run, "aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings as {
            throttlingRateLimit: number;
          }
        ).throttlingRateLimit;
      assert.deepEqual([throttling(runs.dev), throttling(runs.prod)], [20, 1000]);

      const sse = (run: MockedRun) =>
        pick(
          run,
          "aws:dynamodb/table:Table",
          (r) => (r.inputs.serverSideEncryption as { kmsKeyArn?: string }).kmsKeyArn,
        );
      assert.ok(sse(runs.dev).every((arn) => arn === undefined));
      assert.ok(sse(runs.prod).every((arn) => typeof arn === "string" && arn.startsWith("arn:aws:kms:")));
      assert.equal(
        ofType(runs.prod, "aws:kms/key:Key").length,
        ofType(runs.dev, "aws:kms/key:Key").length + 1,
      );
    });

    it("prod subscribes the alarm email and allows only its own origins", () => {
      assert.equal(ofType(runs.dev, "aws:sns/topicSubscription:TopicSubscription").length, 0);
      assert.deepEqual(
        pick(runs.prod, "aws:sns/topicSubscription:TopicSubscription", (r) => [
          r.inputs.protocol,
          r.inputs.endpoint,
        ]),
        [["email", "shop-alerts@example.com"]],
      );
      const origins = (run: MockedRun) =>
        (only(run, "aws:apigatewayv2/api:Api").inputs.corsConfiguration as { allowOrigins: string[] })
          .allowOrigins;
      assert.ok(origins(runs.dev).every((o) => o.startsWith("http://localhost")));
      assert.ok(origins(runs.prod).every((o) => o.startsWith("https://")));
    });

    it("re-evaluates the program with each stack's config in one process", () => {
      assert.ok(runs.dev.resources.every((r) => !r.name.includes("shop-prod")));
      assert.ok(runs.prod.resources.every((r) => !r.name.includes("shop-dev")));
      assert.equal(only(runs.dev, "pulumi:pulumi:Stack").name, "shop-infra-dev");
    });
  });

  it("runs a prebuilt image by digest when shop-infra:imageUri is set, and can leave registry scanning to another stack", async () => {
    const imageUri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-ci-app@sha256:${"f".repeat(64)}`;
    const run = await runProgramUnderMocks({
      stack: "dev",
      config: { imageUri, manageRegistryScanning: false },
    });
    assert.equal(
      ofType(run, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
      0,
    );
    assert.equal(
      ofType(runs.dev, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").length,
      1,
    );
    assert.equal(ofType(run, "docker-build:index:Image").length, 0);
    assert.equal(ofType(run, "shop:image:AppImage").length, 0);
    for (const fn of ofType(run, "aws:lambda/function:Function")) assert.equal(fn.inputs.imageUri, imageUri);
    assert.deepEqual(run.outputs.imageDigest, { value: `sha256:${"f".repeat(64)}`, secret: false });
    await assert.rejects(
      runProgramUnderMocks({ stack: "dev", config: { imageUri: "repo:latest" } }),
      /imageUri must name an image by digest/,
    );
  });

  it("names the roles a CI deploy may pass exactly as the ci stack's ciPassRoleSuffixes expect", () => {
    const suffixes = JSON.parse(
      readStackConfig(process.cwd(), "ci").config["shop-infra:ciPassRoleSuffixes"] ?? "[]",
    ) as string[];
    assert.ok(suffixes.length > 0);
    for (const stack of ["dev", "prod"]) {
      const roleNames = ofType(runs[stack], "aws:iam/role:Role")
        .map((r) => r.inputs.name)
        .sort();
      assert.deepEqual(
        roleNames,
        suffixes.map((suffix) => `shop-${stack}-${suffix}`).sort(),
        `${stack} roles`,
      );
    }
  });

  it("composes the CiPipeline component when the stack is the CI stack", async () => {
    const run = await runProgramUnderMocks({ stack: "ci" });
    const pipeline = only(run, "shop:ci:CiPipeline");
    assert.equal(pipeline.name, "shop-ci");
    assert.equal(ofType(run, "shop:api:ApiService").length, 0);
    assert.ok(Object.keys(run.outputs).includes("githubActionsRoleArn"));
    const provider = only(run, "pulumi:providers:aws");
    for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
      assert.equal(
        resource.provider,
        `${provider.urn}::${provider.id}`,
        `${resource.name} uses the tagged provider`,
      );
    }
    await assert.rejects(
      runProgramUnderMocks({ stack: "ci", config: { ciConnectionArn: "" } }),
      /ciConnectionArn is required on the ci stack/,
    );
  });

  it("runs under mocks for every stack file in the repository", async function () {
    this.timeout(60_000);
    for (const stack of listStackNames(process.cwd()).filter((s) => !(s in runs))) {
      const run = await runProgramUnderMocks({ stack });
      assert.ok(run.resources.length > 1, `${stack} registers resources`);
    }
  });
});
