import type { Response } from "express";
import type { FieldError } from "../domain/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemFields {
  readonly slug: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

/** Problem types are URNs: stable identifiers a client can switch on, with no promise of a web page. */
export function problemType(slug: string): string {
  return `urn:shop:problem:${slug}`;
}

export function sendProblem(res: Response, problem: ProblemFields): void {
  const correlationId = String(res.locals.correlationId ?? "");
  res
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .json({
      type: problemType(problem.slug),
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      correlationId,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
}
