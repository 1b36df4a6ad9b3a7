/**
 * Structured JSON logs (Powertools Logger) and the audit trail. The level comes from the standard
 * POWERTOOLS_LOG_LEVEL / LOG_LEVEL variables; locally the same JSON lines go to stdout.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export type AppLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/**
 * One line per state-changing request and per login attempt (seed 002's audit log). It carries who,
 * from where, what and the outcome; never a password or a token.
 */
export interface AuditEvent {
  readonly userId: string | null;
  readonly email: string | null;
  readonly ip: string | null;
  readonly at: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly correlationId: string;
  /** Why a login or registration was refused (a lockout or throttle), when it was. */
  readonly reason?: string;
}

export type AuditSink = (event: AuditEvent) => void;

export function loggerAuditSink(logger: AppLogger): AuditSink {
  return (event) => logger.info("audit", { audit: true, ...event });
}
