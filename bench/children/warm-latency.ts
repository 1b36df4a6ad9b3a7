/**
 * Child process for the warm-overhead benchmark: loads the bundled API handler once and calls it in
 * process (no HTTP), interleaved with a raw GetCommand on the same table through its own SDK client.
 * Run with `node --import tsx`; prints one BENCH_RESULT line.
 */
import { createRequire } from "node:module";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { httpApiEvent, lambdaContext } from "../lib/lambda-events";
import { RESULT_PREFIX } from "../lib/processes";

export interface WarmLatencyConfig {
  readonly handlerFile: string;
  /** The floor handler (bench/floor), given the same `/products/{id}` events. */
  readonly floorFile: string;
  /** The same call behind Express and serverless-http alone (bench/floor/express-handler.ts). */
  readonly expressFloorFile: string;
  readonly productsTable: string;
  readonly productId: string;
  readonly warmup: number;
  readonly blocks: number;
  readonly blockSize: number;
  /** `/health` takes a fraction of a millisecond, so its runs are longer. */
  readonly healthBlockSize: number;
}

export type WarmLatencyResult = Record<
  "health" | "product" | "rawGet" | "floor" | "expressFloor",
  number[][]
>;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_CONFIG ?? "") as WarmLatencyConfig;
  const { handler } = createRequire(__filename)(config.handlerFile) as { handler: Handler };
  const floor = (createRequire(__filename)(config.floorFile) as { handler: Handler }).handler;
  const expressFloor = (createRequire(__filename)(config.expressFloorFile) as { handler: Handler }).handler;
  const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const healthEvent = httpApiEvent("GET", "/health");
  const productEvent = httpApiEvent("GET", `/products/${config.productId}`);
  const invoke = async (event: APIGatewayProxyEventV2, target: Handler = handler) => {
    const response = await target(event, lambdaContext);
    if (response.statusCode !== 200)
      throw new Error(`${event.rawPath}: ${response.statusCode} ${response.body}`);
  };
  const cases = {
    health: () => invoke(healthEvent),
    product: () => invoke(productEvent),
    floor: () => invoke(productEvent, floor),
    expressFloor: () => invoke(productEvent, expressFloor),
    rawGet: async () => {
      const { Item } = await raw.send(
        new GetCommand({ TableName: config.productsTable, Key: { productId: config.productId } }),
      );
      if (!Item) throw new Error("the bench product is missing");
    },
  };
  const result: WarmLatencyResult = { health: [], product: [], rawGet: [], floor: [], expressFloor: [] };
  const measure = async (names: readonly (keyof typeof cases)[], blockSize: number) => {
    for (let i = 0; i < config.warmup; i++) for (const name of names) await cases[name]();
    for (let block = 0; block < config.blocks; block++) {
      const samples = Object.fromEntries(names.map((name) => [name, [] as number[]]));
      for (let i = 0; i < blockSize; i++) {
        // Rotate the order so that no case always runs right after the same other one.
        for (let k = 0; k < names.length; k++) {
          const name = names[(i + k) % names.length];
          const start = process.hrtime.bigint();
          await cases[name]();
          samples[name].push(Number(process.hrtime.bigint() - start) / 1e6);
        }
      }
      for (const name of names) result[name].push(samples[name]);
    }
  };
  // /health is pure CPU: measured on its own. The DynamoDB read and its raw baseline are interleaved, so
  // that both meet DynamoDB Local (and the machine) in the same state.
  await measure(["health"], config.healthBlockSize);
  await measure(["product", "rawGet", "floor", "expressFloor"], config.blockSize);
  raw.destroy();
  console.log(RESULT_PREFIX + JSON.stringify(result));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
