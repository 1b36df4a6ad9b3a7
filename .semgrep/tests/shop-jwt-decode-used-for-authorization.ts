// Rule test for shop-jwt-decode-used-for-authorization (.semgrep.yml), in Semgrep's test-file format.
import jwt from "jsonwebtoken";

export function isAdmin(token: string): boolean {
  // ruleid: shop-jwt-decode-used-for-authorization
  const claims = jwt.decode(token) as { role?: string } | null;
  return claims?.role === "admin";
}

export function verifyWithKeyNamedInHeader(token: string, keys: ReadonlyMap<string, Buffer>): unknown {
  // ok: shop-jwt-decode-used-for-authorization
  const header = jwt.decode(token, { complete: true });
  const key = keys.get(String(header?.header.kid));
  if (!key) throw new Error("The token names an unknown signing key");
  const claims = jwt.verify(token, key, { algorithms: ["HS256"] });
  return claims;
}
