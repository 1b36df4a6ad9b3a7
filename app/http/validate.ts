import type { z } from "zod";
import { ValidationError } from "../domain/errors";

/** Parses `input` against `schema` or throws a 400 naming every offending field (`body.items.0.quantity`). */
export function validate<T extends z.ZodType>(
  schema: T,
  input: unknown,
  where: "body" | "query" | "header" | "path",
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new ValidationError(`The request ${where} is not valid`, errors);
}
