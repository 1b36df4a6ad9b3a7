/**
 * `npm start`: the whole API on one machine. Starts DynamoDB Local and s3rver (or uses the endpoints in
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3), creates the tables and bucket if missing, makes sure
 * the admin from ADMIN_EMAIL / ADMIN_PASSWORD exists, and serves on HOST:PORT. Ctrl-C stops everything it
 * started. HOST defaults to 127.0.0.1: the API, DynamoDB Local and s3rver are reachable from this machine
 * only (DynamoDB Local accepts any credentials, so on a shared network anyone could read it otherwise).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { ConfigError, loadApiConfig } from "../config";
import { documentClient } from "../aws/clients";
import { createDependencies } from "../container";
import { createApp } from "../http/create-app";
import { JavaMissingError } from "../local/local-aws";
import { startLocalEnvironment } from "../local/local-environment";
import { UserRepository } from "../repositories/user-repository";
import { AdminBootstrapRefusedError, ensureAdmin } from "../services/admin-bootstrap";
import { PasswordHasher } from "../services/password-hasher";

async function main(): Promise<void> {
  const startedAt = performance.now();
  const host = process.env.HOST || "127.0.0.1";
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError([`PORT: must be a port number, got ${process.env.PORT}`]);
  const local = await startLocalEnvironment({ dataDir: process.env.DATA_DIR ?? ".data", persistent: true });

  const swaggerUiDir = path.dirname(createRequire(__filename).resolve("swagger-ui-dist/package.json"));
  const config = loadApiConfig();
  const deps = createDependencies(config, { swaggerUiDir });
  if (process.env.ADMIN_EMAIL && process.env.ADMIN_PASSWORD) {
    const outcome = await ensureAdmin(
      new UserRepository(documentClient, config.tableNames.users),
      new PasswordHasher(config.passwordScryptLogN),
      { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD, name: "Administrator" },
    ).catch(async (error: unknown) => {
      await local.stop();
      throw error;
    });
    console.log(`Admin ${process.env.ADMIN_EMAIL}: ${outcome}`);
  }

  const server = createApp(deps).listen(port, host, () => {
    const { port: bound } = server.address() as { port: number };
    const origin = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    console.log(`Shop API listening on ${origin} (docs: ${origin}/docs)`);
    console.log(
      `Ready in ${Math.round(performance.now() - startedAt)} ms; data in ${path.resolve(process.env.DATA_DIR ?? ".data")}`,
    );
  });

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

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    server.closeAllConnections();
    server.close(() => void local.stop().then(() => process.exit(0)));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ||
      error instanceof JavaMissingError ||
      error instanceof AdminBootstrapRefusedError
      ? error.message
      : error,
  );
  process.exit(1);
});
