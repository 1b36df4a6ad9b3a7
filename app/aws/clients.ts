/**
 * AWS SDK clients, created on first use and then reused for the life of the process (connection reuse
 * matters on Lambda). The SDK modules are imported lazily so that loading the handler touches neither the
 * network nor the SDK's module graph: `/health` never pays for them.
 *
 * Endpoints follow the SDK's own configuration, including AWS_ENDPOINT_URL_DYNAMODB and
 * AWS_ENDPOINT_URL_S3, which is how the local run and the tests point them at DynamoDB Local and s3rver;
 * `createAwsClients` takes explicit endpoints for the fault-injection tests, which put a proxy in between.
 *
 * Every client gets the connection timeout and attempt count of ./time-budgets, and turns the outages of
 * its service (throttling, timeouts, 5xx, network errors) into a DependencyUnavailableError that names the
 * dependency's class: the HTTP layer answers those 503, not 500. Call sites pass their path's budget
 * (`callOptions`) to `send`.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Dependency } from "../domain/errors";
import { once } from "../once";
import { asDependencyError } from "./dependency-failures";
import { timeBudgets, type CallBudget } from "./time-budgets";

export interface AwsEndpoints {
  readonly dynamodb?: string;
  readonly s3?: string;
  readonly secretsManager?: string;
}

export interface AwsClients {
  readonly documentClient: () => Promise<DynamoDBDocumentClient>;
  readonly s3Client: () => Promise<S3Client>;
  readonly secretsManagerClient: () => Promise<SecretsManagerClient>;
}

/**
 * What every client shares. The attempt timeout given here bounds a call made without its path's options;
 * `throwOnRequestTimeout`: without it the SDK only logs an attempt that overruns and keeps waiting.
 */
function baseConfig(endpoint: string | undefined, budget: CallBudget) {
  return {
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: timeBudgets.maxAttempts,
    retryMode: "standard",
    requestHandler: {
      connectionTimeout: timeBudgets.connectionTimeoutMs,
      requestTimeout: budget.attemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
  } as const;
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize" | "finalizeRequest"; name: string },
    ): void;
  };
}

/**
 * Classifies the client's failures: an outermost middleware sees the error after the last retry, and one
 * inside the retry loop remembers each attempt's error, because when the call's total runs out during
 * the retries the final error is only the abort; a call that ran out of time while being throttled was
 * throttled, and the client should be told to back off accordingly.
 */
function classifyFailures<C>(client: C, dependency: Dependency): C {
  const stack = (client as unknown as MiddlewareClient).middlewareStack;
  const lastAttemptErrors = new WeakMap<object, unknown>();
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const attemptError = lastAttemptErrors.get(context);
        const final = isAbort(error) && attemptError !== undefined ? attemptError : error;
        throw asDependencyError(final, dependency, context.commandName ?? "unknown");
      }
    },
    { step: "initialize", name: "shopDependencyFailures" },
  );
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isAbort(error)) lastAttemptErrors.set(context, error);
        throw error;
      }
    },
    { step: "finalizeRequest", name: "shopAttemptFailures" },
  );
  return client;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === "AbortError";
}

export function createAwsClients(endpoints: AwsEndpoints = {}): AwsClients {
  return {
    documentClient: once(async () => {
      const { DynamoDBClient, DynamoDBDocumentClient } = await import("./sdk/dynamodb");
      const client = classifyFailures(
        new DynamoDBClient(baseConfig(endpoints.dynamodb, timeBudgets.dynamodb.write)),
        "database",
      );
      return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    }),
    s3Client: once(async () => {
      const { S3Client } = await import("./sdk/s3");
      const endpoint = endpoints.s3 ?? process.env.AWS_ENDPOINT_URL_S3;
      // s3rver (local) only speaks path-style URLs; real S3 accepts both.
      const client = new S3Client({
        ...baseConfig(endpoints.s3, timeBudgets.s3.reportWrite),
        forcePathStyle: Boolean(endpoint),
      });
      return classifyFailures(client, "object-storage");
    }),
    secretsManagerClient: once(async () => {
      const { SecretsManagerClient } = await import("./sdk/secrets-manager");
      return classifyFailures(
        new SecretsManagerClient(baseConfig(endpoints.secretsManager, timeBudgets.secretsManager.getSecret)),
        "secret-store",
      );
    }),
  };
}

/** The process's clients, on the SDK's configured endpoints: every entry point uses these. */
export const processClients: AwsClients = createAwsClients();
export const { documentClient, s3Client, secretsManagerClient } = processClients;
