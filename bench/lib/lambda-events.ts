import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** An API Gateway HTTP API (payload 2.0) event, shaped like the ones the deployed API receives. */
export function httpApiEvent(
  method: string,
  rawPath: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: "",
    headers: {
      accept: "application/json",
      host: "api.example.com",
      "user-agent": "shop-bench",
      "x-forwarded-for": "198.51.100.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...(options.body === undefined
        ? {}
        : { "content-type": "application/json", "content-length": String(Buffer.byteLength(options.body)) }),
      ...options.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "bench",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "198.51.100.7",
        userAgent: "shop-bench",
      },
      requestId: `bench-${now}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
  };
}

/** The slice of the Lambda context the handler sees; serverless-http passes it through untouched. */
export const lambdaContext = {
  awsRequestId: "bench-request",
  functionName: "shop-bench-api",
  functionVersion: "$LATEST",
  memoryLimitInMB: "1024",
  callbackWaitsForEmptyEventLoop: true,
};
