import type { RequestHandler } from "express";
import { BadRequestError } from "../../domain/errors";

/**
 * A URL whose percent-encoding does not decode (`/products/%E0%A4%A`) is rejected here with a 400,
 * before routing could turn it into a 404 or a handler could see half-decoded text.
 */
export function strictUrl(): RequestHandler {
  return (req, _res, next) => {
    const [path, query = ""] = req.originalUrl.split("?", 2);
    try {
      decodeURIComponent(path);
      for (const part of query.split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, " "));
    } catch {
      next(new BadRequestError("The URL is not correctly percent-encoded"));
      return;
    }
    next();
  };
}
