import express, { type RequestHandler } from "express";
import { AppError } from "../../domain/errors";

export const BODY_LIMIT_BYTES = 100 * 1024;

class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly slug = "payload-too-large";
  readonly title = "Payload too large";
}

class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly slug = "unsupported-media-type";
  readonly title = "Unsupported media type";
}

/** body-parser's own type for a charset it does not decode: bodyParserProblem maps it to 415. */
function unsupportedCharset(): Error {
  return Object.assign(new Error("JSON bodies must be UTF-8"), {
    status: 415,
    type: "charset.unsupported",
  });
}

/**
 * UTF-16 and UTF-32 text, with or without a byte order mark: JSON text starts with an ASCII character,
 * so in those encodings a NUL byte appears among the first four (the detection of RFC 4627, section 3).
 * A NUL byte can never occur in UTF-8 JSON text outside a string, and not raw inside one either.
 */
function looksLikeUtf16Or32(body: Buffer): boolean {
  if (body.length >= 2 && ((body[0] === 0xfe && body[1] === 0xff) || (body[0] === 0xff && body[1] === 0xfe)))
    return true;
  return body.subarray(0, 4).includes(0);
}

/**
 * JSON bodies only, UTF-8 only, 100 KB at most. A request that carries a body must declare a JSON content
 * type (415 otherwise) and no charset but UTF-8 (RFC 8259 section 8.1: JSON exchanged between systems is
 * UTF-8; body-parser would otherwise decode UTF-16 too); a body in another encoding without a declared
 * charset is a 415 as well. The size is checked against Content-Length first and again while reading (413).
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({
    limit: BODY_LIMIT_BYTES,
    strict: true,
    type: () => true,
    verify: (_req, _res, body) => {
      if (looksLikeUtf16Or32(body)) throw unsupportedCharset();
    },
  });
  return (req, res, next) => {
    const length = Number(req.headers["content-length"] ?? 0);
    const hasBody = length > 0 || req.headers["transfer-encoding"] !== undefined;
    if (!hasBody) return next();
    if (length > BODY_LIMIT_BYTES)
      return next(new PayloadTooLargeError(`The body exceeds ${BODY_LIMIT_BYTES} bytes`));
    if (!req.is(["application/json", "+json"])) {
      return next(new UnsupportedMediaTypeError("Send the body as application/json"));
    }
    const charset = declaredCharset(req.headers["content-type"]);
    if (charset !== undefined && charset !== "utf-8")
      return next(new UnsupportedMediaTypeError("Send the body in UTF-8 (charset=utf-8 or no charset)"));
    parse(req, res, next);
  };
}

/** The `charset` parameter of a Content-Type, lower-cased and unquoted; undefined when there is none. */
function declaredCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? "");
  return match ? match[2].toLowerCase() : undefined;
}

/** Maps body-parser's errors (which carry `type` and `status`) onto problem fields. */
export function bodyParserProblem(
  error: unknown,
): { status: number; slug: string; title: string; detail: string } | undefined {
  const e = error as { type?: unknown; status?: unknown } | null;
  if (typeof e?.type !== "string" || typeof e.status !== "number") return undefined;
  switch (e.type) {
    case "entity.too.large":
      return {
        status: 413,
        slug: "payload-too-large",
        title: "Payload too large",
        detail: `The body exceeds ${BODY_LIMIT_BYTES} bytes`,
      };
    case "entity.parse.failed":
      return {
        status: 400,
        slug: "malformed-json",
        title: "Malformed JSON",
        detail: "The body is not valid JSON",
      };
    case "encoding.unsupported":
    case "charset.unsupported":
      return {
        status: 415,
        slug: "unsupported-media-type",
        title: "Unsupported media type",
        detail: "Unsupported content encoding or charset",
      };
    default:
      return e.status >= 400 && e.status < 500
        ? {
            status: e.status,
            slug: "bad-request",
            title: "Bad request",
            detail: "The request body could not be read",
          }
        : undefined;
  }
}
