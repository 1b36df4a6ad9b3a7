/**
 * A TCP proxy between the app and a local stand-in (DynamoDB Local, s3rver) that misbehaves on command,
 * the way a dependency does in production:
 *
 * - `pass()`: forwards bytes both ways (and, after a stall, first delivers what it held back);
 * - `delay(ms)`: forwards every chunk `ms` late, in order;
 * - `stall()`: keeps connections open and accepts new ones, but delivers nothing either way, like a paused
 *   process (SIGSTOP). What the app sent meanwhile reaches the server on `pass()`, even if the app gave up
 *   and closed its socket: a stalled DynamoDB still applies a request that sat in its socket buffer, which
 *   is what makes an abandoned transaction commit late;
 * - `reset()`: answers every connection, open or new, with a TCP reset;
 * - `refuse()`: stops listening, so connections are refused (ECONNREFUSED), and drops the open ones;
 * - `respond(handler)`: answers new connections itself with an HTTP handler (a throttling error in the
 *   service's own protocol, say), after closing the open ones.
 */
import { createServer as createHttpServer, type RequestListener } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";

type Mode =
  | { kind: "pass" }
  | { kind: "delay"; ms: number }
  | { kind: "stall" }
  | { kind: "reset" }
  | { kind: "refuse" }
  | { kind: "respond" };

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Bytes held back during a stall, per direction, in order. */
  readonly heldUp: Buffer[];
  readonly heldDown: Buffer[];
  /** Orders delayed writes behind each other. */
  chain: Promise<void>;
  clientGone: boolean;
}

export class FaultProxy {
  private mode: Mode = { kind: "pass" };
  private readonly connections = new Set<Connection>();
  private readonly responder = createHttpServer();
  /** The connections `respond` handed to the handler. */
  private readonly answered = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Starts a proxy in front of `targetEndpoint` (an http://host:port URL) on a free loopback port. */
  static async start(targetEndpoint: string): Promise<FaultProxy> {
    const url = new URL(targetEndpoint);
    const proxy = new FaultProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.listen();
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async pass(): Promise<void> {
    await this.listen();
    this.setMode({ kind: "pass" });
    for (const connection of this.connections) {
      for (const chunk of connection.heldUp.splice(0)) connection.upstream.write(chunk);
      if (connection.clientGone) connection.upstream.end();
      else for (const chunk of connection.heldDown.splice(0)) connection.client.write(chunk);
    }
  }

  async delay(ms: number): Promise<void> {
    await this.listen();
    this.setMode({ kind: "delay", ms });
  }

  stall(): void {
    this.setMode({ kind: "stall" });
  }

  reset(): void {
    this.setMode({ kind: "reset" });
    for (const connection of this.connections) this.drop(connection, true);
  }

  async refuse(): Promise<void> {
    this.setMode({ kind: "refuse" });
    for (const connection of this.connections) this.drop(connection, false);
    await this.unlisten();
  }

  async respond(handler: RequestListener): Promise<void> {
    await this.listen();
    this.responder.removeAllListeners("request");
    this.responder.on("request", handler);
    this.mode = { kind: "respond" };
    for (const connection of this.connections) this.drop(connection, false);
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) this.drop(connection, false);
    for (const socket of this.answered) socket.destroy();
    await this.unlisten();
  }

  /** Leaving `respond`, the connections the handler kept alive are closed: they would keep answering. */
  private setMode(mode: Mode): void {
    if (this.mode.kind === "respond" && mode.kind !== "respond") {
      for (const socket of this.answered) socket.destroy();
      this.answered.clear();
    }
    this.mode = mode;
  }

  private accept(client: Socket): void {
    client.on("error", () => {});
    if (this.mode.kind === "reset") return void client.resetAndDestroy();
    if (this.mode.kind === "respond") {
      this.answered.add(client);
      client.once("close", () => this.answered.delete(client));
      return void this.responder.emit("connection", client);
    }
    const upstream = connect(this.target);
    upstream.on("error", () => {});
    const connection: Connection = {
      client,
      upstream,
      heldUp: [],
      heldDown: [],
      chain: Promise.resolve(),
      clientGone: false,
    };
    this.connections.add(connection);
    client.on("data", (chunk: Buffer) => this.forward(connection, "up", chunk));
    upstream.on("data", (chunk: Buffer) => this.forward(connection, "down", chunk));
    client.on("close", () => {
      connection.clientGone = true;
      // A stalled server still gets what was sent to it: keep the upstream until the stall ends.
      if (connection.heldUp.length === 0) this.drop(connection, false);
    });
    upstream.on("close", () => this.drop(connection, false));
  }

  private forward(connection: Connection, direction: "up" | "down", chunk: Buffer): void {
    const destination = direction === "up" ? connection.upstream : connection.client;
    const mode = this.mode;
    if (mode.kind === "stall") {
      (direction === "up" ? connection.heldUp : connection.heldDown).push(chunk);
    } else if (mode.kind === "delay") {
      connection.chain = connection.chain
        .then(() => new Promise((resolve) => setTimeout(resolve, mode.ms)))
        .then(() => void destination.write(chunk));
    } else {
      destination.write(chunk);
    }
  }

  private drop(connection: Connection, reset: boolean): void {
    this.connections.delete(connection);
    if (reset) connection.client.resetAndDestroy();
    else connection.client.destroy();
    connection.upstream.destroy();
  }

  /** Listens on the proxy's port (a free one the first time, the same one after `refuse`). */
  private async listen(): Promise<void> {
    if (this.server?.listening) return;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
