import { createHmac, timingSafeEqual } from "node:crypto";
import { BadRequestError } from "../domain/errors";
import type { Item } from "../repositories/dynamo";
import { derivedKeys, isKeyId, type SigningKey, type SigningKeys } from "./signing-key";

/**
 * Opaque, tamper-evident pagination cursors: `<kid>.<payload>.<signature>`, the DynamoDB start key plus
 * the query it belongs to, signed with HMAC-SHA256 under a key derived from the signing key `kid` names
 * (the id is signed too). A cursor that was altered, that belongs to another query, or whose key is
 * neither the current nor the previous one, is rejected before it can reach DynamoDB.
 */
export class CursorCodec {
  private readonly keys: SigningKeys;

  constructor(signingKeys: SigningKeys) {
    this.keys = derivedKeys(signingKeys, "pagination-cursor");
  }

  async encode(scope: string, lastKey: Item | undefined): Promise<string | null> {
    if (!lastKey) return null;
    const payload = Buffer.from(JSON.stringify({ s: scope, k: lastKey })).toString("base64url");
    const key = await this.keys.current();
    return `${key.kid}.${payload}.${sign(key, payload)}`;
  }

  async decode(scope: string, cursor: string | undefined): Promise<Item | undefined> {
    if (cursor === undefined) return undefined;
    const invalid = new BadRequestError("The cursor is not valid for this query");
    const [kid, payload, signature, extra] = cursor.split(".");
    if (!isKeyId(kid) || !payload || !signature || extra !== undefined) throw invalid;
    const key = await this.keys.find(kid);
    if (!key) throw invalid;
    const expected = Buffer.from(sign(key, payload), "base64url");
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      s?: unknown;
      k?: unknown;
    };
    if (decoded.s !== scope || typeof decoded.k !== "object" || decoded.k === null) throw invalid;
    return decoded.k as Item;
  }
}

function sign(key: SigningKey, payload: string): string {
  return createHmac("sha256", key.secret).update(`${key.kid}.${payload}`).digest("base64url");
}
