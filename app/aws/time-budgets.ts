/**
 * How long the app waits for its AWS dependencies, in one place. Every number here is chosen so that the
 * worst case of a request, every attempt of every call timing out, still ends inside the API function's
 * timeout (10 s by default, `apiTimeoutSeconds`) and well inside API Gateway's 30 s, with time left to
 * answer 503 rather than be cut off by Lambda or by API Gateway. docs/api.md ("Time budgets") explains them.
 *
 * A call path has an attempt timeout (the SDK abandons one HTTP attempt after it) and a total (an abort
 * signal ends the call, retries included). Within the total, the SDK's standard retry strategy retries
 * throttling, 5xx, timeouts and network errors up to `maxAttempts` times with jittered backoff, drawing on
 * its retry quota, so a dependency that is down is not hammered by every request's retries.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallBudget {
  /** One HTTP attempt is abandoned after this long (connecting, sending and waiting for the answer). */
  readonly attemptTimeoutMs: number;
  /** The call, every retry and backoff included, is abandoned after this long. */
  readonly totalMs: number;
}

export const timeBudgets = {
  /**
   * TCP (and TLS) connection set-up. An AWS regional endpoint connects in milliseconds; a second means it
   * is unreachable, and waiting longer only eats the budget of the retry that might reach another host.
   */
  connectionTimeoutMs: 1000,
  /** Attempts per call (the first plus two retries), cut short by the path's total. */
  maxAttempts: 3,
  dynamodb: {
    /**
     * GetItem, BatchGetItem, Query, Scan. DynamoDB answers in single-digit milliseconds; a read that has
     * not answered in 700 ms is stuck, and a reader would rather see a 503 in 1.5 s than wait.
     */
    read: { attemptTimeoutMs: 700, totalMs: 1500 },
    /** PutItem, UpdateItem, DeleteItem: one item, one partition. */
    write: { attemptTimeoutMs: 1000, totalMs: 2500 },
    /**
     * TransactWriteItems (orders, cancellations, sessions, token rotation). Transactions take two phases
     * over several partitions and are what the customer waits for, so they get the most patience. The
     * SDK sends the same ClientRequestToken on each retry, so DynamoDB applies a retried transaction once.
     */
    transaction: { attemptTimeoutMs: 2000, totalMs: 4000 },
  },
  s3: {
    /** PutObject of a weekly report from the API (admin request): must end within the function timeout. */
    reportWrite: { attemptTimeoutMs: 3000, totalMs: 6000 },
    /** GetObject of a stored report (admin request): a few kilobytes, read while the admin waits. */
    reportRead: { attemptTimeoutMs: 2000, totalMs: 4000 },
  },
  secretsManager: {
    /** GetSecretValue of the JWT key: once an hour per instance, but every request waits on the first. */
    getSecret: { attemptTimeoutMs: 1000, totalMs: 2000 },
    /**
     * Each call of a rotation step (rotation function, 30 s timeout). Nobody waits on it; Secrets Manager
     * retries a failed step, and every step is idempotent, so a slow call may as well get a few attempts.
     */
    rotation: { attemptTimeoutMs: 3000, totalMs: 8000 },
  },
  requests: {
    /**
     * One HTTP request, whatever it calls: a login reads the attempt window and the user and starts a
     * session, an order reads the idempotency record and the products and retries conflicting
     * transactions. Every call's total is cut to what is left of this, and no call starts with less than
     * `minimumCallMs` left: 8 s leaves 2 s of the default 10 s function timeout to answer the 503.
     */
    totalMs: 8000,
    minimumCallMs: 300,
  },
  reportJob: {
    /**
     * The weekly report job (300 s function timeout) writes its one object with more patience than the
     * API: a longer attempt, and whole-write retries with backoff before it fails the invocation (which
     * Lambda retries and, failing that, sends to the job's dead-letter queue and alarms).
     */
    write: { attemptTimeoutMs: 10_000, totalMs: 30_000 },
    writeAttempts: 4,
    writeBackoffMs: 2000,
  },
  /** What a 503 tells the client to wait before retrying (`Retry-After`, seconds). */
  retryAfterSeconds: { throttled: 2, unavailable: 5 },
} as const;

const requestDeadline = new AsyncLocalStorage<number>();

/**
 * Runs `work` with a deadline `ms` from now: every SDK call made for it, however deep, is cut to the time
 * that is left (AsyncLocalStorage carries the deadline through the awaits, so repositories need no
 * parameter for it). The HTTP app runs each request this way.
 */
export function withDeadline<T>(ms: number, work: () => T): T {
  return requestDeadline.run(Date.now() + ms, work);
}

/**
 * The options for one SDK `send` on the given path: the attempt timeout, and an abort signal at the path's
 * total or at the current deadline, whichever comes first. With too little time left the signal is already
 * aborted: the SDK then fails the call at once with an AbortError, a timeout like any other.
 */
export function callOptions(budget: CallBudget): { requestTimeout: number; abortSignal: AbortSignal } {
  const deadline = requestDeadline.getStore();
  const left = deadline === undefined ? Infinity : deadline - Date.now();
  if (left < timeBudgets.requests.minimumCallMs)
    return { requestTimeout: budget.attemptTimeoutMs, abortSignal: AbortSignal.abort() };
  const totalMs = Math.min(budget.totalMs, left);
  return {
    requestTimeout: Math.min(budget.attemptTimeoutMs, totalMs),
    abortSignal: AbortSignal.timeout(totalMs),
  };
}
