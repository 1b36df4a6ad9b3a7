import assert from "node:assert/strict";
import { JwtSigningKey } from "../../components/jwt-signing-key";
import {
  defaultTestConfig,
  grants,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };
const imageUri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-test-app@sha256:${"d".repeat(64)}`;

describe("JwtSigningKey", () => {
  it("generates a 64+ character key and stores it, as a secret, in a KMS-encrypted Secrets Manager secret", async () => {
    const run = await runUnderMocks(() => {
      const key = new JwtSigningKey("jwt", { imageUri, recoveryWindowInDays: 0 });
      return { secretArn: key.secretArn };
    }, options);

    const password = only(run, "random:index/randomPassword:RandomPassword");
    assert.ok((password.inputs.length as number) >= 64);
    assert.equal(password.inputs.special, false);
    const value = password.outputs.result as string;
    assert.ok(password.secretOutputs.includes("result"));

    const secret = only(run, "aws:secretsmanager/secret:Secret");
    assert.equal(secret.inputs.kmsKeyId, only(run, "aws:kms/key:Key").outputs.arn);
    assert.equal(secret.inputs.recoveryWindowInDays, 0);

    const version = only(run, "aws:secretsmanager/secretVersion:SecretVersion");
    assert.equal(version.inputs.secretId, secret.id);
    assert.equal(version.inputs.secretString, value);
    assert.deepEqual(version.secretInputs, ["secretString"]);
    for (const resource of run.resources.filter(
      (r) => r.type !== "random:index/randomPassword:RandomPassword",
    ))
      if (resource !== version)
        assert.ok(!JSON.stringify(resource.inputs).includes(value), `${resource.name} never holds the value`);

    const component = only(run, "shop:secrets:JwtSigningKey");
    assert.ok(!JSON.stringify(component.outputs).includes(value), "the component never outputs the value");
    assert.deepEqual(run.outputs.secretArn, { value: secret.outputs.arn, secret: false });
  });

  it("refuses keys shorter than 64 characters", async () => {
    await assert.rejects(
      runUnderMocks(() => {
        new JwtSigningKey("jwt", { imageUri, length: 32 });
      }, options),
      /at least 64/,
    );
  });

  describe("rotation", () => {
    let run: Awaited<ReturnType<typeof runUnderMocks>>;
    before(async () => {
      run = await runUnderMocks(() => {
        new JwtSigningKey("jwt", { imageUri, rotationDays: 7 });
      }, options);
    });
    const secret = () => only(run, "aws:secretsmanager/secret:Secret");
    const fn = () => only(run, "aws:lambda/function:Function");

    it("rotates the secret on the configured schedule, at once the first time, with its own function", () => {
      const rotation = only(run, "aws:secretsmanager/secretRotation:SecretRotation");
      assert.equal(rotation.inputs.secretId, secret().id);
      assert.equal(rotation.inputs.rotationLambdaArn, fn().outputs.arn);
      assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: 7 });
      assert.equal(rotation.inputs.rotateImmediately, true);
      const permission = only(run, "aws:lambda/permission:Permission");
      const version = only(run, "aws:secretsmanager/secretVersion:SecretVersion");
      for (const dependency of [permission.urn, version.urn])
        assert.ok(
          rotation.dependencies.includes(dependency),
          "the first rotation needs the permission and a key",
        );
    });

    it("runs the app image's rotation handler, told only the secret's ARN", () => {
      assert.equal(fn().inputs.imageUri, imageUri);
      assert.deepEqual(fn().inputs.imageConfig, { commands: ["rotation/index.handler"] });
      assert.deepEqual((fn().inputs.environment as { variables: unknown }).variables, {
        JWT_SECRET_ARN: secret().outputs.arn,
        POWERTOOLS_SERVICE_NAME: "shop-key-rotation",
        LOG_LEVEL: "INFO",
      });
      assert.equal(fn().inputs.reservedConcurrentExecutions, 1);
    });

    it("may be invoked by Secrets Manager for this secret in this account only", () => {
      const permission = only(run, "aws:lambda/permission:Permission");
      assert.deepEqual(
        [
          permission.inputs.action,
          permission.inputs.principal,
          permission.inputs.function,
          permission.inputs.sourceArn,
          permission.inputs.sourceAccount,
        ],
        [
          "lambda:InvokeFunction",
          "secretsmanager.amazonaws.com",
          fn().outputs.name,
          secret().outputs.arn,
          "123456789012",
        ],
      );
    });

    it("may do the rotation steps on this one secret and use its key only through Secrets Manager for it", () => {
      const arn = secret().outputs.arn as string;
      const keyArn = only(run, "aws:kms/key:Key").outputs.arn as string;
      const logs = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/jwt-rotation:*";
      const statements = statementsOf(only(run, "aws:iam/rolePolicy:RolePolicy"));
      assert.deepEqual(
        grants(statements),
        [
          `secretsmanager:DescribeSecret on ${arn}`,
          `secretsmanager:GetSecretValue on ${arn}`,
          `secretsmanager:PutSecretValue on ${arn}`,
          `secretsmanager:UpdateSecretVersionStage on ${arn}`,
          `kms:Decrypt on ${keyArn}`,
          `kms:GenerateDataKey on ${keyArn}`,
          `logs:CreateLogStream on ${logs}`,
          `logs:PutLogEvents on ${logs}`,
          "xray:PutTelemetryRecords on *",
          "xray:PutTraceSegments on *",
        ].sort(),
      );
      assert.deepEqual(statement(statements, "UseJwtSigningKeyKey").Condition, {
        StringEquals: {
          "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
          "kms:EncryptionContext:SecretARN": arn,
        },
      });
    });
  });
});
