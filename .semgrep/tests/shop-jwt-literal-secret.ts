// Rule test for shop-jwt-literal-secret (.semgrep.yml), in Semgrep's test-file format. The "keys" below
// are placeholders that exist only to be flagged.
import jwt from "jsonwebtoken";

export function signWithLiteralKey(userId: string): string {
  // ruleid: shop-jwt-literal-secret
  return jwt.sign({ sub: userId }, "change-me", { algorithm: "HS256" });
}

export function signWithConstantKey(userId: string): string {
  const signingKey = "change-me";
  // ruleid: shop-jwt-literal-secret
  return jwt.sign({ sub: userId }, signingKey, { algorithm: "HS256" });
}

export function verifyWithLiteralFallback(token: string, configuredKey: string | undefined): unknown {
  // ruleid: shop-jwt-literal-secret
  return jwt.verify(token, configuredKey ?? "change-me", { algorithms: ["HS256"] });
}

export function signWithKeyFromSecretsManager(userId: string, key: Buffer): string {
  // ok: shop-jwt-literal-secret
  return jwt.sign({ sub: userId }, key, { algorithm: "HS256" });
}
