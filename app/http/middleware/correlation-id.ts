import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

export const CORRELATION_HEADER = "x-correlation-id";
const WELL_FORMED = /^[A-Za-z0-9._-]{8,128}$/;

/** Echoes a well-formed incoming correlation id, or mints one, on every response. */
export function correlationId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers[CORRELATION_HEADER];
    const id = typeof incoming === "string" && WELL_FORMED.test(incoming) ? incoming : randomUUID();
    res.locals.correlationId = id;
    res.setHeader(CORRELATION_HEADER, id);
    next();
  };
}
