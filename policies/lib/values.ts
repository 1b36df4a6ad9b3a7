import { UnknownValueError } from "@pulumi/policy";

/**
 * Whether an input is set. A value that is unknown during preview is set: it will hold whatever the other
 * resource produces (an ARN, an id), and reading it would abort the whole policy.
 */
export function isSet(read: () => unknown): boolean {
  try {
    const value = read();
    return value !== undefined && value !== null && value !== "";
  } catch (error) {
    if (error instanceof UnknownValueError) {
      return true;
    }
    throw error;
  }
}
