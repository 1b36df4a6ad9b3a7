import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import jwt from "jsonwebtoken";
import request from "supertest";
import { createAwsClients, type AwsClients } from "../../app/aws/clients";
import { createDependencies } from "../../app/container";
import { createApp } from "../../app/http/create-app";
import { deriveKey, secretsManagerKeyTiming } from "../../app/services/signing-key";
import { SigningKeyRotation } from "../../app/services/signing-key-rotation";
import { adminAccount, assertProblem, createProduct, login, type Account } from "../support/api-client";
import { createTestContext, silentLogger, swaggerUiDir, type TestContext } from "../support/local-aws";
import { startMotoServer, type MotoServer } from "../support/moto-server";
import { beginRotation, rotate, stepEvent } from "../support/rotation";

const kidOf = (token: string) => (jwt.decode(token, { complete: true })?.header.kid as string) ?? "";

/**
 * Rotation seen from a client: the API on its Secrets Manager key set (moto), the rotation function's
 * steps run against the same secret, and the key cache's clock moved by the context.
 */
describe("Signing-key rotation through HTTP (Secrets Manager, moto)", function () {
  this.timeout(90_000);
  let moto: MotoServer;
  let sm: SecretsManagerClient;
  let secretArn: string;
  let rotation: SigningKeyRotation;
  let clients: AwsClients;
  let context: TestContext;
  let clock: number;
  /** GetSecretValue calls the API made (two per key-set fetch: AWSCURRENT and AWSPREVIOUS). */
  let reads = 0;

  const advance = (ms: number) => context.setNow(new Date((clock += ms)));
  const me = (account: { auth: { Authorization: string } }) =>
    request(context.app).get("/auth/me").set(account.auth);
  const page = (cursor: string) =>
    request(context.app).get("/products").query({ category: "rotation", limit: 1, cursor });

  before(async () => {
    moto = await startMotoServer();
    sm = moto.client();
    const created = await sm.send(
      new CreateSecretCommand({ Name: `jwt-${randomUUID()}`, SecretString: "i".repeat(64) }),
    );
    secretArn = created.ARN!;
    rotation = new SigningKeyRotation(() => Promise.resolve(sm), secretArn, silentLogger);
    clients = createAwsClients({ secretsManager: moto.endpoint });
    (await clients.secretsManagerClient()).middlewareStack.add(
      (next, middlewareContext) => async (args) => {
        if (middlewareContext.commandName === "GetSecretValueCommand") reads++;
        return next(args);
      },
      { step: "initialize", name: "countKeyReads" },
    );
    context = await createTestContext({ JWT_SECRET_ARN: secretArn }, { clients });
    clock = Date.now();
    context.setNow(new Date(clock));
  });

  after(async () => {
    await moto?.stop();
  });

  async function firstPageCursor(): Promise<string> {
    const first = await request(context.app).get("/products").query({ category: "rotation", limit: 1 });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    return first.body.nextCursor;
  }

  /** Rotates the secret and lets the key cache expire, as five minutes of a warm instance would. */
  async function rotateAndWait(): Promise<string> {
    const version = await rotate(sm, rotation, secretArn);
    advance(secretsManagerKeyTiming.maxAgeMs);
    return version;
  }

  it("accepts tokens and cursors from before one rotation, refuses those from before two", async () => {
    const admin = await adminAccount(context);
    for (let i = 0; i < 2; i++) await createProduct(context.app, admin, { category: "rotation" });
    const before: Account = admin;
    const beforeCursor = await firstPageCursor();
    const initialKid = kidOf(before.accessToken);
    assert.ok(initialKid, "the access token names its key");
    assert.equal(beforeCursor.split(".")[0], initialKid, "so does the cursor");

    const first = await rotateAndWait();
    assert.equal((await me(before)).status, 200, "signed before one rotation: still accepted");
    assert.equal((await page(beforeCursor)).status, 200);
    const between = await login(context.app, admin.email, admin.password);
    assert.equal(kidOf(between.accessToken), first, "new tokens are signed with the new current key");
    const betweenCursor = await firstPageCursor();
    assert.equal(betweenCursor.split(".")[0], first);

    const second = await rotateAndWait();
    assert.equal((await me(between)).status, 200);
    assert.equal((await page(betweenCursor)).status, 200);
    assertProblem(await me(before), 401);
    assertProblem(await page(beforeCursor), 400);
    const after = await login(context.app, admin.email, admin.password);
    assert.equal(kidOf(after.accessToken), second);
  });

  it("refuses a token naming an unknown kid, and however many arrive, fetches the keys at most once", async () => {
    const admin = await adminAccount(context);
    const { SecretString } = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const claims = jwt.decode(admin.accessToken) as Record<string, unknown>;
    // Signed with the real current key: only the kid is wrong, and the API must not try its keys anyway.
    const forged = jwt.sign(claims, SecretString!, { algorithm: "HS256", keyid: randomUUID() });
    // A cursor signed the codec's way with the real current key, under an id that is not the key's.
    const forgedCursor = (kid: string) => {
      const payload = Buffer.from(JSON.stringify({ s: "x", k: { id: "x" } })).toString("base64url");
      const key = deriveKey(Buffer.from(SecretString!), "pagination-cursor");
      return `${kid}.${payload}.${createHmac("sha256", key).update(`${kid}.${payload}`).digest("base64url")}`;
    };
    advance(secretsManagerKeyTiming.refreshIntervalMs);
    const readsBefore = reads;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(context.app).get("/auth/me").set("Authorization", `Bearer ${forged}`),
      ),
    );
    for (let i = 0; i < 10; i++) answers.push(await me({ auth: { Authorization: `Bearer ${forged}` } }));
    for (const answer of answers) assertProblem(answer, 401);
    assertProblem(await page(forgedCursor(randomUUID())), 400);
    assert.equal(reads - readsBefore, 2, "one fetch of the key set (AWSCURRENT and AWSPREVIOUS)");
    assert.equal((await me(admin)).status, 200, "the real token still works");
    assert.equal(reads - readsBefore, 2);

    advance(secretsManagerKeyTiming.refreshIntervalMs);
    assertProblem(await me({ auth: { Authorization: `Bearer ${forged}` } }), 401);
    assert.equal(reads - readsBefore, 4, "one more fetch in the next interval, no more");
  });

  it("refuses a token signed with the key of a rotation still in progress", async () => {
    const token = await beginRotation(sm, secretArn);
    await rotation.run(stepEvent(secretArn, token, "createSecret"));
    const { SecretString: pending } = await sm.send(
      new GetSecretValueCommand({ SecretId: secretArn, VersionId: token, VersionStage: "AWSPENDING" }),
    );
    const admin = await adminAccount(context);
    const claims = jwt.decode(admin.accessToken) as Record<string, unknown>;
    const early = jwt.sign(claims, pending!, { algorithm: "HS256", keyid: token });
    advance(secretsManagerKeyTiming.refreshIntervalMs);
    assertProblem(await me({ auth: { Authorization: `Bearer ${early}` } }), 401);
    for (const step of ["setSecret", "testSecret", "finishSecret"] as const)
      await rotation.run(stepEvent(secretArn, token, step));
  });

  it("an instance that meets a token of a key it has not fetched yet refreshes once and accepts it", async () => {
    const admin = await adminAccount(context);
    await rotate(sm, rotation, secretArn);
    // Another instance, started after the rotation: it signs with the new key at once.
    const other = createApp(
      createDependencies(context.config, { clients, logger: silentLogger, swaggerUiDir }),
    );
    const fresh = await request(other)
      .post("/auth/login")
      .send({ email: admin.email, password: admin.password });
    assert.equal(fresh.status, 200);
    advance(secretsManagerKeyTiming.refreshIntervalMs);
    const readsBefore = reads;
    assert.equal((await me({ auth: { Authorization: `Bearer ${fresh.body.accessToken}` } })).status, 200);
    assert.equal(reads - readsBefore, 2);
  });
});
