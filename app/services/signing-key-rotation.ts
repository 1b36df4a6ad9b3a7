/**
 * Rotation of the JWT signing key in Secrets Manager, the four steps Secrets Manager invokes the rotation
 * function with (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html):
 *
 *   createSecret  a new random key as the AWSPENDING version whose id is the rotation's token
 *   setSecret     nothing to do: the API reads the key from the secret itself, there is no other copy
 *   testSecret    the pending key is one the API will accept
 *   finishSecret  AWSCURRENT moves to the new version (Secrets Manager gives the old one AWSPREVIOUS)
 *
 * The API signs with AWSCURRENT and still verifies AWSPREVIOUS, so a token signed before a rotation keeps
 * working until the rotation after it. Every step is idempotent: Secrets Manager retries a step that
 * failed or timed out, and a rotation interrupted between steps resumes with the same token.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { callOptions, timeBudgets } from "../aws/time-budgets";
import type { AppLogger } from "../observability/logger";
import { once } from "../once";
import { generateSigningSecret, signingSecretProblem } from "./signing-key";

const commands = once(() => import("../aws/sdk/secrets-manager"));

/**
 * Every Secrets Manager action the steps perform: the rotation function's role grants exactly these, on
 * the one secret (components/jwt-signing-key), and the rotation tests check the steps use no other.
 */
export const rotationSecretActions = [
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecretVersionStage",
] as const;

export const rotationSteps = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type RotationStep = (typeof rotationSteps)[number];

/** What Secrets Manager invokes the rotation function with. */
export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  /** The id of the version this rotation creates. */
  readonly ClientRequestToken: string;
}

export class RotationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RotationRefusedError";
  }
}

export function parseRotationEvent(event: unknown): RotationEvent {
  const { Step, SecretId, ClientRequestToken } = (event ?? {}) as Record<string, unknown>;
  if (
    !rotationSteps.includes(Step as RotationStep) ||
    typeof SecretId !== "string" ||
    typeof ClientRequestToken !== "string" ||
    !/^[\w-]{32,64}$/.test(ClientRequestToken)
  )
    throw new RotationRefusedError("Not a Secrets Manager rotation event");
  return { Step: Step as RotationStep, SecretId, ClientRequestToken };
}

export class SigningKeyRotation {
  constructor(
    private readonly client: () => Promise<SecretsManagerClient>,
    /** The only secret this function may rotate (its role allows no other either). */
    private readonly secretArn: string,
    private readonly logger: AppLogger,
  ) {}

  async run(rawEvent: unknown): Promise<void> {
    const event = parseRotationEvent(rawEvent);
    if (event.SecretId !== this.secretArn)
      throw new RotationRefusedError(`This function rotates ${this.secretArn} only`);
    const token = event.ClientRequestToken;
    const { RotationEnabled, VersionIdsToStages = {} } = await this.describe();
    if (!RotationEnabled) throw new RotationRefusedError("Rotation is not enabled on the secret");
    const stages = VersionIdsToStages[token];
    if (!stages) throw new RotationRefusedError(`Version ${token} has no stage for rotation`);
    const context = { step: event.Step, versionId: token };
    if (stages.includes("AWSCURRENT")) {
      // This rotation finished already (a retried step, or finishSecret retried after it succeeded).
      if (stages.includes("AWSPENDING")) await this.clearPending(token);
      this.logger.info("Rotation step skipped: the version is current already", context);
      return;
    }
    if (!stages.includes("AWSPENDING"))
      throw new RotationRefusedError(`Version ${token} is not pending rotation`);

    switch (event.Step) {
      case "createSecret":
        await this.createSecret(token);
        break;
      case "setSecret":
        break;
      case "testSecret":
        await this.testSecret(token);
        break;
      case "finishSecret":
        await this.finishSecret(token, VersionIdsToStages);
        break;
    }
    this.logger.info("Rotation step done", context);
  }

  private async createSecret(token: string): Promise<void> {
    // The current key must be sound: rotating away from a broken secret would hide the breakage.
    const problem = signingSecretProblem(await this.value({ VersionStage: "AWSCURRENT" }));
    if (problem) throw new RotationRefusedError(`${problem} (AWSCURRENT)`);
    if (await this.pendingValue(token)) return;
    const { PutSecretValueCommand } = await commands();
    try {
      await (
        await this.client()
      ).send(
        new PutSecretValueCommand({
          SecretId: this.secretArn,
          ClientRequestToken: token,
          SecretString: generateSigningSecret(),
          VersionStages: ["AWSPENDING"],
        }),
        callOptions(timeBudgets.secretsManager.rotation),
      );
    } catch (error) {
      // Two invocations of one step raced and the other stored its key first: that key is the new one.
      if ((error as Error).name !== "ResourceExistsException" || !(await this.pendingValue(token)))
        throw error;
    }
  }

  private async testSecret(token: string): Promise<void> {
    const value = await this.pendingValue(token);
    const problem = signingSecretProblem(value);
    if (problem) throw new RotationRefusedError(`The pending key would be refused by the API: ${problem}`);
  }

  private async finishSecret(token: string, versions: Record<string, string[]>): Promise<void> {
    const current = Object.entries(versions).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
    const { UpdateSecretVersionStageCommand } = await commands();
    await (
      await this.client()
    ).send(
      new UpdateSecretVersionStageCommand({
        SecretId: this.secretArn,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: token,
        RemoveFromVersionId: current,
      }),
      callOptions(timeBudgets.secretsManager.rotation),
    );
    await this.clearPending(token);
  }

  /** A finished rotation leaves no AWSPENDING label, so the next rotation can start. */
  private async clearPending(token: string): Promise<void> {
    const { UpdateSecretVersionStageCommand } = await commands();
    await (
      await this.client()
    ).send(
      new UpdateSecretVersionStageCommand({
        SecretId: this.secretArn,
        VersionStage: "AWSPENDING",
        RemoveFromVersionId: token,
      }),
      callOptions(timeBudgets.secretsManager.rotation),
    );
  }

  private async describe() {
    const { DescribeSecretCommand } = await commands();
    return (await this.client()).send(
      new DescribeSecretCommand({ SecretId: this.secretArn }),
      callOptions(timeBudgets.secretsManager.rotation),
    );
  }

  /** The pending version's value, or undefined while createSecret has not stored one yet (or it is binary). */
  private async pendingValue(token: string): Promise<string | undefined> {
    try {
      return await this.value({ VersionId: token, VersionStage: "AWSPENDING" });
    } catch (error) {
      if ((error as Error).name === "ResourceNotFoundException") return undefined;
      throw error;
    }
  }

  private async value(version: { VersionId?: string; VersionStage: string }): Promise<string | undefined> {
    const { GetSecretValueCommand } = await commands();
    const { SecretString } = await (
      await this.client()
    ).send(
      new GetSecretValueCommand({ SecretId: this.secretArn, ...version }),
      callOptions(timeBudgets.secretsManager.rotation),
    );
    return SecretString;
  }
}
