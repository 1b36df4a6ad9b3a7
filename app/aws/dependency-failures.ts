/**
 * Which failures of an AWS dependency are outages rather than bugs: throttling, timeouts, 5xx answers and
 * network errors. The SDK's own classification (the one its retry strategy uses) decides throttling and
 * transience, so "retried by the SDK" and "answered 503 by the app" never disagree. Everything else (a
 * validation error, a missing table, a condition that failed) is left alone: either the code expects it
 * or it is a bug, and a bug stays a 500.
 */
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { DependencyUnavailableError, type Dependency, type DependencyFailure } from "../domain/errors";
import { timeBudgets } from "./time-budgets";

const TIMEOUT_NAMES = new Set(["AbortError", "TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

type SdkError = Parameters<typeof isTransientError>[0] & { code?: string };

export function classifyFailure(error: unknown): DependencyFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const sdkError = error as SdkError;
  if (TIMEOUT_NAMES.has(error.name) || sdkError.code === "ETIMEDOUT") return "timeout";
  if (isThrottlingError(sdkError)) return "throttled";
  const status = sdkError.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return "unavailable";
  if (isServerError(sdkError)) return "unavailable";
  if (isTransientError(sdkError)) return "network";
  return undefined;
}

/** The error to throw for `error`: a DependencyUnavailableError when it is an outage, else `error` itself. */
export function asDependencyError(error: unknown, dependency: Dependency, operation: string): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  const failure = classifyFailure(error);
  if (!failure) return error;
  const retryAfter = timeBudgets.retryAfterSeconds[failure === "throttled" ? "throttled" : "unavailable"];
  return new DependencyUnavailableError(dependency, failure, operation, retryAfter, { cause: error });
}
