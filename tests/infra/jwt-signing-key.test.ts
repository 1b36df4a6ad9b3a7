import assert from "node:assert/strict";
import { JwtSigningKey } from "../../components/jwt-signing-key";
import { defaultTestConfig, only, runUnderMocks } from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };

describe("JwtSigningKey", () => {
  it("generates a 64+ character key and stores it, as a secret, in a KMS-encrypted Secrets Manager secret", async () => {
    const run = await runUnderMocks(() => {
      const key = new JwtSigningKey("jwt", { recoveryWindowInDays: 0 });
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

    const component = only(run, "shop:secrets:JwtSigningKey");
    assert.ok(!JSON.stringify(component.outputs).includes(value), "the component never outputs the value");
    assert.deepEqual(run.outputs.secretArn, { value: secret.outputs.arn, secret: false });
  });

  it("refuses keys shorter than 64 characters", async () => {
    await assert.rejects(
      runUnderMocks(() => {
        new JwtSigningKey("jwt", { length: 32 });
      }, options),
      /at least 64/,
    );
  });
});
