import { connect } from "node:net";
import os from "node:os";

/** Whether a TCP connection to host:port opens, or the error code it fails with. */
export function connection(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** An address of this machine that is not loopback (nor IPv6 link-local), if it has one. */
export function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && (i.family === "IPv4" || !i.address.startsWith("fe80")))?.address;
}
