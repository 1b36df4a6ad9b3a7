/**
 * The JWT signing key's rotation function: Secrets Manager invokes it with each rotation step in turn
 * (app/services/signing-key-rotation.ts). A step that throws fails the invocation, which Secrets Manager
 * reports and retries; the secret keeps its current key meanwhile.
 */
import { secretsManagerClient } from "../aws/clients";
import { loadKeyRotationConfig } from "../config";
import { createLogger } from "../observability/logger";
import { SigningKeyRotation } from "../services/signing-key-rotation";

const config = loadKeyRotationConfig();
const logger = createLogger(config.serviceName);
const rotation = new SigningKeyRotation(secretsManagerClient, config.secretArn, logger);

export async function handler(event: unknown): Promise<void> {
  try {
    await rotation.run(event);
  } catch (error) {
    // The event holds ids only (secret ARN, step, version id), never a key, so it can be logged whole.
    logger.error("Rotation step failed", { event: event as Record<string, unknown>, error: error as Error });
    throw error;
  }
}
