/**
 * A metering proxy in front of DynamoDB Local: it forwards every request unchanged except that Query
 * requests ask for `ReturnConsumedCapacity: TOTAL`, and it counts what each Query returned and cost. The
 * report job's own code stays untouched (it reads through the standard AWS_ENDPOINT_URL_DYNAMODB).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface QueryMeter {
  queries: number;
  itemsReturned: number;
  itemsScanned: number;
  capacityUnits: number;
  otherRequests: Record<string, number>;
}

export const emptyMeter = (): QueryMeter => ({
  queries: 0,
  itemsReturned: 0,
  itemsScanned: 0,
  capacityUnits: 0,
  otherRequests: {},
});

export interface MeteringProxy {
  readonly endpoint: string;
  /** Returns the counts since the last call and starts counting afresh. */
  take(): QueryMeter;
  close(): Promise<void>;
}

export async function startMeteringProxy(target: string): Promise<MeteringProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let meter = emptyMeter();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      let body = Buffer.concat(chunks);
      if (operation === "Query") {
        body = Buffer.from(
          JSON.stringify({
            ...(JSON.parse(body.toString("utf8")) as object),
            ReturnConsumedCapacity: "TOTAL",
          }),
        );
      }
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          agent,
          headers: { ...req.headers, "content-length": String(body.length) },
        },
        (response) => {
          const answer: Buffer[] = [];
          response.on("data", (chunk: Buffer) => answer.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(answer);
            if (operation === "Query" && response.statusCode === 200) {
              const parsed = JSON.parse(text.toString("utf8")) as {
                Count?: number;
                ScannedCount?: number;
                ConsumedCapacity?: { CapacityUnits?: number };
              };
              meter.queries++;
              meter.itemsReturned += parsed.Count ?? 0;
              meter.itemsScanned += parsed.ScannedCount ?? 0;
              meter.capacityUnits += parsed.ConsumedCapacity?.CapacityUnits ?? 0;
            } else {
              meter.otherRequests[operation || req.method || "?"] =
                (meter.otherRequests[operation || req.method || "?"] ?? 0) + 1;
            }
            res.writeHead(response.statusCode ?? 502, response.headers);
            res.end(text);
          });
        },
      );
      forwarded.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take() {
      const taken = meter;
      meter = emptyMeter();
      return taken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
