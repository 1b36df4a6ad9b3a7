/**
 * Secrets Manager's GetSecretValue over its real protocol (AWS JSON 1.1 over HTTP), answering either the
 * secret or the service's own 500 error, so the SDK's retries and the app's handling of a failure run for
 * real. Nothing else of the service is here: the app calls nothing else.
 */
import { createServer, type Server } from "node:http";

export class SecretsManagerStub {
  /** When true, every request gets InternalServiceError, as Secrets Manager answers during an outage. */
  failing = false;
  requests = 0;

  private readonly server: Server = createServer((req, res) => {
    req.resume().on("end", () => {
      this.requests++;
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (this.failing) {
        res.statusCode = 500;
        res.setHeader("x-amzn-ErrorType", "InternalServiceError");
        return res.end(JSON.stringify({ __type: "InternalServiceError", message: "Internal failure" }));
      }
      const target = req.headers["x-amz-target"];
      if (target !== "secretsmanager.GetSecretValue") {
        res.statusCode = 400;
        return res.end(JSON.stringify({ __type: "InvalidRequestException", message: String(target) }));
      }
      res.end(
        JSON.stringify({
          ARN: this.secretArn,
          Name: "shop-jwt",
          SecretString: this.secretString,
          VersionId: "00000000-0000-4000-8000-000000000000",
          VersionStages: ["AWSCURRENT"],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });

  private constructor(
    private readonly secretArn: string,
    private readonly secretString: string,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  static async start(secretArn: string, secretString: string): Promise<SecretsManagerStub> {
    const stub = new SecretsManagerStub(secretArn, secretString);
    await new Promise<void>((resolve) => stub.server.listen(0, "127.0.0.1", resolve));
    return stub;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
