import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { secretsManagerKeySet } from "../../app/services/signing-key";
import { rotationSecretActions, SigningKeyRotation } from "../../app/services/signing-key-rotation";
import { silentLogger } from "../support/local-aws";
import { startMotoServer, type MotoServer } from "../support/moto-server";
import { beginRotation, rotate, stagesOf, stepEvent } from "../support/rotation";

/** The rotation steps against moto's Secrets Manager, through the AWS SDK the function runs. */
describe("JWT signing-key rotation (Secrets Manager, moto)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  /** The client the rotation uses: every command it sends is recorded. */
  let client: SecretsManagerClient;
  /** The test's own client (the service's side, and reading the result). */
  let sm: SecretsManagerClient;
  const used = new Set<string>();

  before(async () => {
    moto = await startMotoServer();
    sm = moto.client();
    client = moto.client();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        used.add(`secretsmanager:${(context.commandName ?? "").replace(/Command$/, "")}`);
        return next(args);
      },
      { step: "initialize", name: "recordIamActions" },
    );
  });

  after(async () => {
    await moto?.stop();
  });

  async function newSecret(): Promise<{ arn: string; initialVersion: string; rotation: SigningKeyRotation }> {
    const created = await sm.send(
      new CreateSecretCommand({ Name: `jwt-${randomUUID()}`, SecretString: "i".repeat(64) }),
    );
    return {
      arn: created.ARN!,
      initialVersion: created.VersionId!,
      rotation: new SigningKeyRotation(() => Promise.resolve(client), created.ARN!, silentLogger),
    };
  }

  const value = async (arn: string, stage: string) =>
    (await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString!;

  it("makes a new random key current and keeps the one before as previous, leaving nothing pending", async () => {
    const { arn, initialVersion, rotation } = await newSecret();
    const first = await rotate(sm, rotation, arn);
    assert.deepEqual(await stagesOf(sm, arn), { AWSCURRENT: [first], AWSPREVIOUS: [initialVersion] });
    const key = await value(arn, "AWSCURRENT");
    assert.match(key, /^[A-Za-z0-9_-]{64}$/);
    assert.equal(await value(arn, "AWSPREVIOUS"), "i".repeat(64));

    const second = await rotate(sm, rotation, arn);
    assert.deepEqual(await stagesOf(sm, arn), { AWSCURRENT: [second], AWSPREVIOUS: [first] });
    assert.equal(await value(arn, "AWSPREVIOUS"), key);
    assert.notEqual(await value(arn, "AWSCURRENT"), key);

    const keys = await secretsManagerKeySet(arn, () => Promise.resolve(sm))();
    assert.deepEqual(
      [keys.current.kid, keys.previous?.kid],
      [second, first],
      "the API reads the pair, each version's id as its kid",
    );
  });

  it("runs every step again without effect when Secrets Manager retries it", async () => {
    const { arn, initialVersion, rotation } = await newSecret();
    const token = await beginRotation(sm, arn);
    await rotation.run(stepEvent(arn, token, "createSecret"));
    const pending = (
      await sm.send(
        new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }),
      )
    ).SecretString;
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret", "finishSecret"] as const)
      await rotation.run(stepEvent(arn, token, step));
    assert.deepEqual(await stagesOf(sm, arn), { AWSCURRENT: [token], AWSPREVIOUS: [initialVersion] });
    assert.equal(await value(arn, "AWSCURRENT"), pending, "the retried createSecret kept the first key");
    for (const step of ["createSecret", "testSecret"] as const)
      await rotation.run(stepEvent(arn, token, step));
    assert.deepEqual(await stagesOf(sm, arn), { AWSCURRENT: [token], AWSPREVIOUS: [initialVersion] });
  });

  it("resumes a rotation interrupted after createSecret, and the API never reads the pending key meanwhile", async () => {
    const { arn, initialVersion, rotation } = await newSecret();
    const token = await beginRotation(sm, arn);
    await rotation.run(stepEvent(arn, token, "createSecret"));
    const keys = secretsManagerKeySet(arn, () => Promise.resolve(sm));
    const during = await keys();
    assert.equal(during.current.kid, initialVersion);
    assert.equal(during.previous, undefined, "the pending version is neither current nor previous");

    // Secrets Manager retries the failed rotation with its token, from the first step.
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const)
      await rotation.run(stepEvent(arn, token, step));
    const after = await keys();
    assert.deepEqual([after.current.kid, after.previous?.kid], [token, initialVersion]);
  });

  it("refuses to finish a rotation whose pending key the API would refuse", async () => {
    const { arn, initialVersion, rotation } = await newSecret();
    const token = await beginRotation(sm, arn);
    await sm.send(
      new PutSecretValueCommand({
        SecretId: arn,
        ClientRequestToken: token,
        SecretString: "too short",
        VersionStages: ["AWSPENDING"],
      }),
    );
    await assert.rejects(rotation.run(stepEvent(arn, token, "testSecret")), /would be refused by the API/);
    assert.deepEqual((await stagesOf(sm, arn)).AWSCURRENT, [initialVersion]);
  });

  it("refuses events that are not for its secret, for a version not pending, or not a rotation at all", async () => {
    const { arn, rotation } = await newSecret();
    const other = await newSecret();
    const token = await beginRotation(sm, other.arn);
    await assert.rejects(rotation.run(stepEvent(other.arn, token, "createSecret")), /rotates .* only/);
    await assert.rejects(rotation.run(stepEvent(arn, randomUUID(), "createSecret")), /not enabled/);
    const initial = (await stagesOf(sm, arn)).AWSCURRENT[0];
    const current = await rotate(sm, rotation, arn);
    await beginRotation(sm, arn);
    await assert.rejects(rotation.run(stepEvent(arn, randomUUID(), "createSecret")), /no stage for rotation/);
    await assert.rejects(rotation.run(stepEvent(arn, initial, "finishSecret")), /not pending rotation/);
    await rotation.run(stepEvent(arn, current, "finishSecret"));
    assert.deepEqual(
      (await stagesOf(sm, arn)).AWSCURRENT,
      [current],
      "a finished rotation's step is a no-op",
    );
    await assert.rejects(
      rotation.run({ Step: "dropSecret", SecretId: arn, ClientRequestToken: token }),
      /Not a/,
    );
    await assert.rejects(rotation.run(undefined), /Not a Secrets Manager rotation event/);
  });

  it("uses exactly the Secrets Manager actions its role grants", () => {
    assert.deepEqual([...used].sort(), [...rotationSecretActions].sort());
  });
});
