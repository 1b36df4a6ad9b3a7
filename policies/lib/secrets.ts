import { isUnknownMarker } from "./known";
import { stringListSetting } from "./policy";

/**
 * Secrets written as plain values into environment variables (Lambda, CodeBuild), where anyone who can read
 * the function or project configuration, and the Pulumi state, can read them.
 */

export const defaultSecretNameWords = [
  "SECRET",
  "SECRETS",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "TOKEN",
  "TOKENS",
  "API_KEY",
  "APIKEY",
  "PRIVATE_KEY",
  "ACCESS_KEY",
  "SECRET_KEY",
  "CREDENTIALS",
];

/**
 * A name ending in one of these words holds a reference to a secret, or a setting about one, never the
 * secret itself: `JWT_SECRET_ARN`, `REFRESH_TOKENS_TABLE`, `TOKEN_TTL_SECONDS`, `DB_PASSWORD_PARAMETER`.
 */
export const defaultReferenceSuffixes = [
  "ARN",
  "NAME",
  "ID",
  "TABLE",
  "PARAMETER",
  "PARAM",
  "PATH",
  "URL",
  "URI",
  "TTL",
  "SECONDS",
  "MINUTES",
  "ISSUER",
  "AUDIENCE",
  "HEADER",
  "BUCKET",
  "QUEUE",
  "TOPIC",
  "ENABLED",
  "LENGTH",
  "FILE",
];

export interface SecretDetectionSettings {
  /** Words (upper case, `_` between words) that make a variable name secret-like. */
  readonly secretNameWords: readonly string[];
  /** Last words of a name that mark it as a reference or setting. */
  readonly referenceSuffixes: readonly string[];
  /** Variable names never reported (exact, case-sensitive). */
  readonly allowedVariables: readonly string[];
}

const accessKeyId = /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/;
const privateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** `jwtSecret`, `jwt-secret` and `JWT_SECRET` all become `["JWT", "SECRET"]`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== "");
}

function containsWords(nameWords: readonly string[], phrase: string): boolean {
  const phraseWords = phrase.toUpperCase().split("_");
  for (let start = 0; start + phraseWords.length <= nameWords.length; start++) {
    if (phraseWords.every((word, offset) => nameWords[start + offset] === word)) {
      return true;
    }
  }
  return false;
}

/** A value that points at a secret instead of being one: an ARN or a `{{resolve:...}}` dynamic reference. */
function isReference(value: string): boolean {
  return /^arn:aws[a-z-]*:/.test(value) || value.startsWith("{{resolve:");
}

/** Why the variable looks like a plaintext secret, or undefined when it does not. */
export function plaintextSecretReason(
  name: string,
  value: unknown,
  settings: SecretDetectionSettings,
): string | undefined {
  if (
    settings.allowedVariables.includes(name) ||
    typeof value !== "string" ||
    value === "" ||
    isUnknownMarker(value)
  ) {
    return undefined;
  }
  if (accessKeyId.test(value)) {
    return "its value is an AWS access key id";
  }
  if (privateKey.test(value)) {
    return "its value is a private key";
  }
  const nameWords = words(name);
  const secretWord = settings.secretNameWords.find((phrase) => containsWords(nameWords, phrase));
  const last = nameWords[nameWords.length - 1];
  if (secretWord && !settings.referenceSuffixes.includes(last) && !isReference(value)) {
    return `its name says ${secretWord} and its value is a literal, not an ARN or reference`;
  }
  return undefined;
}

/** The config schema of the policies that look for plaintext secrets in environment variables. */
export const secretSettingsSchema = {
  properties: {
    secretNameWords: stringListSetting(
      "Words (upper case, words joined by _) that make a variable name secret-like.",
      defaultSecretNameWords,
    ),
    referenceSuffixes: stringListSetting(
      "Last words of a variable name that mark a reference or setting (JWT_SECRET_ARN, TOKEN_TTL_SECONDS).",
      defaultReferenceSuffixes,
    ),
    allowedVariables: stringListSetting("Variable names that are never reported.", []),
  },
};
