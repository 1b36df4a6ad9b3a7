/**
 * `npm start`: the whole API on one machine. Starts DynamoDB Local and s3rver (or uses the endpoints in
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3), creates the tables and bucket if missing, makes sure
 * the admin from ADMIN_EMAIL / ADMIN_PASSWORD exists, and serves on HOST:PORT. HOST defaults to 127.0.0.1:
 * the API, DynamoDB Local and s3rver are reachable from this machine only (DynamoDB Local accepts any
 * credentials, so on a shared network anyone could read it otherwise).
 *
 * The configuration and the port are checked before anything starts. Whatever fails later stops what was
 * already started, and is told in one line naming the service, its address and the variable to change.
 * SIGINT or SIGTERM (npm passes them on) stops everything, also while it is still starting.
 */
import type { Server as HttpServer } from "node:http";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { ConfigError, loadApiConfig } from "../config";
import { documentClient } from "../aws/clients";
import { createDependencies } from "../container";
import { createApp } from "../http/create-app";
import { LocalStartError } from "../local/local-aws";
import {
  planLocalEnvironment,
  startLocalEnvironment,
  type LocalEndpoint,
  type LocalEnvironment,
} from "../local/local-environment";
import { UserRepository } from "../repositories/user-repository";
import { AdminBootstrapRefusedError, ensureAdmin } from "../services/admin-bootstrap";
import { PasswordHasher } from "../services/password-hasher";

/** Why the API cannot listen on host:port, as one line naming what to change. */
function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): LocalStartError {
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const fixes: Record<string, string> = {
    EADDRINUSE: "is already in use: stop what listens there or choose another PORT (PORT=0 picks a free one)",
    EACCES: "needs privileges this process lacks: choose a PORT of 1024 or more",
    EADDRNOTAVAIL: "is not an address of this machine: change HOST",
  };
  return new LocalStartError(
    `Shop API: ${address} ${fixes[error.code ?? ""] ?? `cannot be listened on (${error.code ?? error.message}): change HOST or PORT`}`,
    { cause: error },
  );
}

/** Fails, as listenFailure says, when host:port cannot be listened on; checked before anything starts. */
async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function endpointLine(name: string, service: LocalEndpoint): string {
  return service.started
    ? `${name}: ${service.endpoint} (started by npm start, stopped with it)`
    : `${name}: ${service.endpoint} (from ${service.variable})`;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const host = process.env.HOST || "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  const dataDir = process.env.DATA_DIR ?? ".data";

  // A signal before the server listens aborts the start, which stops what it had started; after, it
  // closes the server and stops the local services.
  const starting = new AbortController();
  let stopRunning: ((signal: string) => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRunning) stopRunning(signal);
    else if (!starting.signal.aborted) {
      console.log(`${signal}: stopping`);
      starting.abort(new StartAborted());
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // Everything is checked before anything starts.
  const problems: string[] = [];
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: must be a port number, got ${process.env.PORT}`);
  const plan = planLocalEnvironment({ dataDir, persistent: true });
  problems.push(...plan.problems);
  const config = (() => {
    try {
      return loadApiConfig({ ...process.env, ...plan.env });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  })();
  if (!config || problems.length > 0) throw new ConfigError(problems);
  await assertCanListen(host, port);

  const local = await startLocalEnvironment({ dataDir, persistent: true, signal: starting.signal });
  let server: HttpServer;
  try {
    console.log(endpointLine("DynamoDB", local.dynamodb));
    console.log(endpointLine("S3", local.s3));
    const swaggerUiDir = path.dirname(createRequire(__filename).resolve("swagger-ui-dist/package.json"));
    const deps = createDependencies(config, { swaggerUiDir });
    if (process.env.ADMIN_EMAIL && process.env.ADMIN_PASSWORD) {
      const outcome = await ensureAdmin(
        new UserRepository(documentClient, config.tableNames.users),
        new PasswordHasher(config.passwordScryptLogN),
        { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD, name: "Administrator" },
      );
      console.log(`Admin ${process.env.ADMIN_EMAIL}: ${outcome}`);
    }
    starting.signal.throwIfAborted();
    server = await listen(createApp(deps), host, port);
  } catch (error) {
    await local.stop();
    throw error;
  }

  const { port: bound } = server.address() as { port: number };
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
  console.log(`Shop API listening on ${origin} (docs: ${origin}/docs)`);
  console.log(`Ready in ${Math.round(performance.now() - startedAt)} ms; data in ${path.resolve(dataDir)}`);

  // Node's HTTP parser refuses some requests before Express sees them (headers or URL over 16 KiB: 431;
  // malformed: 400) and by default answers with an empty body. Answer with a problem document like every
  // other error instead (found by Schemathesis). API Gateway sets its own limits in front of the Lambda.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, title] =
      error.code === "HPE_HEADER_OVERFLOW" ? [431, "Request header fields too large"] : [400, "Bad request"];
    const body = JSON.stringify({
      type: "urn:shop:problem:bad-request",
      title,
      status,
      detail: title,
      correlationId: "",
    });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  const running = server;
  stopRunning = (signal) => {
    stopRunning = () => {};
    console.log(`${signal}: stopping`);
    running.closeAllConnections();
    running.close(() => void stopLocal(local));
  };
}

/** A signal while starting: not a failure, so main's caller exits 0 without a message. */
class StartAborted extends Error {}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, port)));
  });
}

async function stopLocal(local: LocalEnvironment): Promise<void> {
  await local.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  if (error instanceof StartAborted) process.exit(0);
  console.error(
    error instanceof ConfigError ||
      error instanceof LocalStartError ||
      error instanceof AdminBootstrapRefusedError
      ? error.message
      : error,
  );
  process.exit(1);
});
