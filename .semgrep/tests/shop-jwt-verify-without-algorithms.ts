// Rule test for shop-jwt-verify-without-algorithms (.semgrep.yml), in Semgrep's test-file format: each
// `ruleid:` comment marks the next line as a required finding, each `ok:` comment as a forbidden one.
import jwt from "jsonwebtoken";

export function verifyWithoutOptions(token: string, key: Buffer): unknown {
  // ruleid: shop-jwt-verify-without-algorithms
  return jwt.verify(token, key);
}

export function verifyWithCallbackOnly(token: string, key: Buffer, done: (claims: unknown) => void): void {
  // ruleid: shop-jwt-verify-without-algorithms
  jwt.verify(token, key, (error, claims) => done(error ? undefined : claims));
}

export async function verifyLazilyWithoutAlgorithms(token: string, key: Buffer): Promise<unknown> {
  const { verify } = await import("jsonwebtoken");
  // ruleid: shop-jwt-verify-without-algorithms
  return verify(token, key, { issuer: "shop", audience: "shop-api" });
}

export async function verifyLazilyWithPinnedAlgorithm(token: string, key: Buffer): Promise<unknown> {
  const { verify } = await import("jsonwebtoken");
  // ok: shop-jwt-verify-without-algorithms
  return verify(token, key, { algorithms: ["HS256"], issuer: "shop", audience: "shop-api" });
}

export function verifyWithPinnedAlgorithm(token: string, key: Buffer): unknown {
  // ok: shop-jwt-verify-without-algorithms
  return jwt.verify(token, key, { algorithms: ["HS256"] });
}
