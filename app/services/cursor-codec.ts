import { createHmac, timingSafeEqual } from "node:crypto";
import { BadRequestError } from "../domain/errors";
import type { Item } from "../repositories/dynamo";
import { deriveKey, type SigningKeyProvider } from "./signing-key";

/**
 * Opaque, tamper-evident pagination cursors: the DynamoDB start key plus the query it belongs to,
 * signed with HMAC-SHA256. A cursor that was altered, or that belongs to another query, is rejected
 * before it can reach DynamoDB.
 */
export class CursorCodec {
  constructor(private readonly signingKey: SigningKeyProvider) {}

  async encode(scope: string, lastKey: Item | undefined): Promise<string | null> {
    if (!lastKey) return null;
    const payload = Buffer.from(JSON.stringify({ s: scope, k: lastKey })).toString("base64url");
    return `${payload}.${await this.sign(payload)}`;
  }

  async decode(scope: string, cursor: string | undefined): Promise<Item | undefined> {
    if (cursor === undefined) return undefined;
    const invalid = new BadRequestError("The cursor is not valid for this query");
    const [payload, signature, extra] = cursor.split(".");
    if (!payload || !signature || extra !== undefined) throw invalid;
    const expected = Buffer.from(await this.sign(payload), "base64url");
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      s?: unknown;
      k?: unknown;
    };
    if (decoded.s !== scope || typeof decoded.k !== "object" || decoded.k === null) throw invalid;
    return decoded.k as Item;
  }

  private async sign(payload: string): Promise<string> {
    const key = deriveKey(await this.signingKey(), "pagination-cursor");
    return createHmac("sha256", key).update(payload).digest("base64url");
  }
}
