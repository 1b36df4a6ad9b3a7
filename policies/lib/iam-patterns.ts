import { isUnknownMarker } from "./known";

/**
 * What an IAM action or resource pattern covers. Action names are case-insensitive in IAM, and both `*`
 * and `?` are wildcards in actions and ARNs.
 */

const wildcardOnly = /^[*?]*\*[*?]*$/;

function hasWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

/** `*`, `s3:*`, `S3:*` or `*:Get*`: the pattern grants every action of a service, or of all services. */
export function isFullActionWildcard(action: string): boolean {
  const colon = action.indexOf(":");
  if (colon < 0) {
    return wildcardOnly.test(action);
  }
  const service = action.slice(0, colon);
  return hasWildcard(service) || wildcardOnly.test(action.slice(colon + 1));
}

/** `s3:Get*` or `dynamodb:*Item`: a wildcard that names part of one service's actions. */
export function isPartialActionWildcard(action: string): boolean {
  return hasWildcard(action) && !isFullActionWildcard(action);
}

/** Whether the action pattern matches the action, e.g. `iam:Pass*` and `*` both cover `iam:PassRole`. */
export function actionCovers(pattern: string, action: string): boolean {
  if (!hasWildcard(pattern)) {
    return pattern.toLowerCase() === action.toLowerCase();
  }
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  // The pattern is an IAM action name from the document, escaped above; it builds a linear regex.
  // eslint-disable-next-line security/detect-non-literal-regexp
  return new RegExp(`^${source}$`, "i").test(action);
}

export type ResourceScope = "all" | "type-wide" | "scoped";

/**
 * How much an identity-policy `Resource` names.
 *
 * `all`: `*`, or an ARN whose service or whole resource part is a wildcard. `type-wide`: every resource of a
 * type (`table/*`, `function:*`, `table/*\/index/*`). Everything else is `scoped`, including the objects of
 * one bucket (`arn:aws:s3:::reports/*`) and a log group's streams (`log-group:/aws/lambda/api:*`).
 */
export function resourceScope(resource: string): ResourceScope {
  if (isUnknownMarker(resource)) {
    return "scoped";
  }
  if (wildcardOnly.test(resource)) {
    return "all";
  }
  const parts = resource.split(":");
  if (parts[0] !== "arn" || parts.length < 6) {
    return "scoped";
  }
  const service = parts[2];
  const resourcePart = parts.slice(5).join(":");
  if (hasWildcard(service) || wildcardOnly.test(resourcePart)) {
    return "all";
  }
  if (service.toLowerCase() === "s3") {
    // An S3 resource part starts with the bucket name: only a wildcard bucket names every bucket.
    return wildcardOnly.test(resourcePart.split("/")[0]) ? "all" : "scoped";
  }
  const typeEnd = resourcePart.search(/[/:]/);
  if (typeEnd < 0) {
    return "scoped";
  }
  const name = resourcePart.slice(typeEnd + 1);
  const firstSegment = name.split(/[/:]/)[0];
  return wildcardOnly.test(firstSegment) ? "type-wide" : "scoped";
}

/** An IAM role ARN with no wildcard anywhere: `iam:PassRole` may only name such roles. */
export function isNamedRoleArn(resource: string): boolean {
  return isUnknownMarker(resource) || /^arn:aws[a-z-]*:iam::\d{12}:role\/[^*?]+$/.test(resource);
}

/** The account root (`arn:aws:iam::123456789012:root` or the bare account id). */
export function isAccountRoot(principal: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal) || /^\d{12}$/.test(principal);
}

/** `*`, or an ARN that stands for any account (`arn:aws:iam::*:root`). */
export function isPublicPrincipalValue(value: string): boolean {
  return value === "*" || /^arn:aws[a-z-]*:iam::\*:/.test(value);
}
