import assert from "node:assert/strict";
import { ConfigError, loadApiConfig, loadKeyRotationConfig, loadReportJobConfig } from "../../app/config";
import { tableList } from "../../app/data/tables";

const tableEnv: Record<string, string> = Object.fromEntries(
  tableList.map((t) => [t.envVar, `shop-prod-${t.name}`]),
);
const validAwsEnv: Record<string, string> = {
  ...tableEnv,
  REPORTS_BUCKET: "shop-prod-reports",
  JWT_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-prod-jwt-AbCdEf",
};

describe("Configuration", () => {
  it("reads a complete AWS environment once, with defaults for the optional settings", () => {
    const config = loadApiConfig(validAwsEnv);
    assert.equal(config.tableNames.orders, "shop-prod-orders");
    assert.equal(config.tableNames.idempotencyKeys, "shop-prod-idempotency-keys");
    assert.equal(config.jwt.secretArn, validAwsEnv.JWT_SECRET_ARN);
    assert.equal(config.jwt.secret, undefined);
    assert.equal(config.jwt.accessTokenTtlSeconds, 900);
    assert.equal(config.passwordScryptLogN, 15);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.jwt));
  });

  it("names every missing or malformed variable in one error", () => {
    const { ORDERS_TABLE: _omit, ...withoutOrders } = validAwsEnv;
    try {
      loadApiConfig({
        ...withoutOrders,
        JWT_SECRET_ARN: "not-an-arn",
        ACCESS_TOKEN_TTL_SECONDS: "forever",
        PASSWORD_SCRYPT_LOG_N: "4",
      });
      assert.fail("expected a ConfigError");
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      const names = error.problems.map((p) => p.split(":")[0]).sort();
      assert.deepEqual(names, [
        "ACCESS_TOKEN_TTL_SECONDS",
        "JWT_SECRET_ARN",
        "ORDERS_TABLE",
        "PASSWORD_SCRYPT_LOG_N",
      ]);
      assert.match(error.message, /^Invalid configuration:\n {2}- /);
    }
  });

  it("requires exactly one source for the JWT key, and a local key of at least 32 characters", () => {
    const { JWT_SECRET_ARN: _arn, ...noKey } = validAwsEnv;
    assert.throws(() => loadApiConfig(noKey), /exactly one of JWT_SECRET_ARN/);
    assert.throws(
      () => loadApiConfig({ ...validAwsEnv, JWT_SECRET: "x".repeat(40) }),
      /exactly one of JWT_SECRET_ARN/,
    );
    assert.throws(
      () => loadApiConfig({ ...noKey, JWT_SECRET: "too short" }),
      /JWT_SECRET: must be at least 32/,
    );
    assert.equal(loadApiConfig({ ...noKey, JWT_SECRET: "x".repeat(40) }).jwt.secret, "x".repeat(40));
    assert.equal(
      loadApiConfig({ ...noKey, JWT_KEYS_FILE: "/data/jwt-keys.json" }).jwt.keysFile,
      "/data/jwt-keys.json",
    );
    assert.throws(
      () => loadApiConfig({ ...validAwsEnv, JWT_KEYS_FILE: "/data/jwt-keys.json" }),
      /exactly one of JWT_SECRET_ARN/,
    );
    assert.throws(
      () => loadApiConfig({ ...noKey, JWT_KEYS_FILE: "k.json", JWT_SECRET: "x".repeat(40) }),
      /exactly one of JWT_SECRET_ARN/,
    );
  });

  it("gives the rotation function its one secret, and nothing else", () => {
    const config = loadKeyRotationConfig({ JWT_SECRET_ARN: validAwsEnv.JWT_SECRET_ARN });
    assert.deepEqual(
      { ...config },
      { serviceName: "shop-key-rotation", secretArn: validAwsEnv.JWT_SECRET_ARN },
    );
    assert.throws(() => loadKeyRotationConfig({}), /JWT_SECRET_ARN: must be a Secrets Manager secret ARN/);
  });

  it("gives the report job only what it needs", () => {
    const config = loadReportJobConfig({ ORDERS_TABLE: "o", REPORTS_BUCKET: "b" });
    assert.deepEqual({ ...config }, { serviceName: "shop-report", ordersTable: "o", reportsBucket: "b" });
    assert.throws(() => loadReportJobConfig({ ORDERS_TABLE: "o" }), /REPORTS_BUCKET/);
  });
});
