/**
 * Secrets Manager's side of a rotation, against moto: the service first gives the secret a pending
 * version (no value yet, labelled AWSPENDING, id = the rotation's token), then invokes the rotation
 * function with each step. moto does the first part in RotateSecret before it looks for the function, and
 * answers ResourceNotFoundException for a function it does not host, so a RotateSecret naming one that is
 * not deployed leaves exactly the state the real service hands to createSecret; the tests then invoke the
 * steps themselves, as the service would.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  DescribeSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  rotationSteps,
  type RotationStep,
  type SigningKeyRotation,
} from "../../app/services/signing-key-rotation";

const notDeployedFunction = "arn:aws:lambda:us-east-1:123456789012:function:rotation-run-by-the-test";

/** Starts a rotation of `secretArn` the way Secrets Manager does; returns its token. */
export async function beginRotation(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const token = randomUUID();
  await assert.rejects(
    client.send(
      new RotateSecretCommand({
        SecretId: secretArn,
        ClientRequestToken: token,
        RotationLambdaARN: notDeployedFunction,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    ),
    (error: Error) => error.name === "ResourceNotFoundException",
  );
  const { VersionIdsToStages, RotationEnabled } = await client.send(
    new DescribeSecretCommand({ SecretId: secretArn }),
  );
  assert.equal(RotationEnabled, true);
  assert.deepEqual(VersionIdsToStages?.[token], ["AWSPENDING"], "the emulator staged the pending version");
  return token;
}

export function stepEvent(secretArn: string, token: string, step: RotationStep) {
  return { Step: step, SecretId: secretArn, ClientRequestToken: token };
}

/** A whole rotation: the four steps in order. Returns the new current version's id. */
export async function rotate(
  client: SecretsManagerClient,
  rotation: SigningKeyRotation,
  secretArn: string,
): Promise<string> {
  const token = await beginRotation(client, secretArn);
  for (const step of rotationSteps) await rotation.run(stepEvent(secretArn, token, step));
  return token;
}

/** The version ids of each stage. */
export async function stagesOf(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<Record<string, string[]>> {
  const { VersionIdsToStages = {} } = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
  const byStage: Record<string, string[]> = {};
  for (const [version, stages] of Object.entries(VersionIdsToStages))
    for (const stage of stages) (byStage[stage] ??= []).push(version);
  return byStage;
}
