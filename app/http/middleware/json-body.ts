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

/**
 * JSON bodies only, 100 KB at most. A request that carries a body must declare a JSON content type (415
 * otherwise); the size is checked against Content-Length first and again while reading (413).
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: () => true });
  return (req, res, next) => {
    const length = Number(req.headers["content-length"] ?? 0);
    const hasBody = length > 0 || req.headers["transfer-encoding"] !== undefined;
    if (!hasBody) return next();
    if (length > BODY_LIMIT_BYTES)
      return next(new PayloadTooLargeError(`The body exceeds ${BODY_LIMIT_BYTES} bytes`));
    if (!req.is(["application/json", "+json"])) {
      return next(new UnsupportedMediaTypeError("Send the body as application/json"));
    }
    parse(req, res, next);
  };
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
