import { NotFoundError } from "../domain/errors";

/**
 * Ids are version-4 UUIDs. This is the pattern zod's `z.uuid({ version: "v4" })` checks (the `id` fields in
 * ./schemas), applied here without zod: reading one product or order needs no other validation, so its
 * first request after a cold start does not have to load zod.
 */
const UUID_V4 = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/;

/** The `id` path parameter. An id that cannot exist is simply not found; it never reaches DynamoDB. */
export function parseId(params: unknown, what: string): string {
  const id = (params as { id?: unknown } | null | undefined)?.id;
  if (typeof id !== "string" || !UUID_V4.test(id)) throw new NotFoundError(`No ${what} with this id`);
  return id;
}
