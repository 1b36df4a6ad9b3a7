import type { Condition, Statement } from "../lib/iam-document";
import { isUnknownMarker } from "../lib/known";
import { isPublicPrincipalValue } from "../lib/iam-patterns";
import { stringListSetting } from "../lib/policy";
import { documentPolicy } from "./document-policy";

export const trustNoPublicPrincipal = documentPolicy({
  name: "iam-trust-no-public-principal",
  description:
    'Role trust policies must not let everyone assume the role (`"*"`, `{"AWS": "*"}`, any-account ARNs), ' +
    "whatever the conditions.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Trust the exact service (`lambda.amazonaws.com`), account root or role ARN that assumes the role.",
  kinds: ["trust"],
  check(statement) {
    if (statement.effect !== "Allow") {
      return [];
    }
    return statement.principals
      .filter((principal) => principal.type === "*" || isPublicPrincipalValue(principal.value))
      .map(
        (principal) =>
          `Allow to principal ${principal.type === "*" ? '"*"' : `${principal.type} "${principal.value}"`} ` +
          "lets anyone assume the role; trust the exact service, account or role instead.",
      );
  },
});

interface OidcConfig {
  githubProviders: string[];
  gitlabProviders: string[];
}

interface Provider {
  readonly host: string;
  readonly platform: "GitHub Actions" | "GitLab CI";
  /** What a pinned subject looks like, for the message. */
  readonly example: string;
  readonly pinsRepository: (subject: string) => boolean;
}

/** `repo:<owner>/<repo>` with an optional `:<qualifier>`; owner and repository free of wildcards. */
const githubSubject = /^repo:[^/:*?]+\/[^/:*?]+(?::|$)/;
/** `project_path:<group>[/<subgroup>...]/<project>` with optional qualifiers; the path free of wildcards. */
const gitlabSubject = /^project_path:[^:*?]+\/[^:*?]+(?::|$)/;

function providerOf(federated: string, config: OidcConfig): Provider | undefined {
  const host = federated.includes("oidc-provider/")
    ? federated.slice(federated.indexOf("oidc-provider/") + 14)
    : federated;
  const lowerHost = host.toLowerCase();
  if (config.githubProviders.some((candidate) => lowerHost === candidate.toLowerCase())) {
    return {
      host,
      platform: "GitHub Actions",
      example: "repo:<owner>/<repo>:ref:refs/heads/main",
      pinsRepository: (subject) => githubSubject.test(subject),
    };
  }
  if (config.gitlabProviders.some((candidate) => lowerHost === candidate.toLowerCase())) {
    return {
      host,
      platform: "GitLab CI",
      example: "project_path:<group>/<project>:ref_type:branch:ref:main",
      pinsRepository: (subject) => gitlabSubject.test(subject),
    };
  }
  return undefined;
}

/**
 * A condition that can only hold for the values it lists. `...IfExists` holds when the claim is missing,
 * `ForAllValues:` holds for an empty claim, and negated operators hold for every other value.
 */
function isPinning(condition: Condition): boolean {
  const operator = condition.operator.toLowerCase();
  return (
    !operator.startsWith("forallvalues:") &&
    !operator.endsWith("ifexists") &&
    !operator.includes("not") &&
    operator.replace(/^foranyvalue:/, "").startsWith("string") &&
    condition.values.length > 0
  );
}

function checkProvider(statement: Statement, provider: Provider): string[] {
  const claim = (name: string) => `${provider.host.toLowerCase()}:${name}`;
  const where = `trust for ${provider.platform} (${provider.host})`;
  const conditionsOn = (name: string) =>
    statement.conditions.filter((condition) => condition.key === claim(name));
  const problems: string[] = [];

  const audiences = conditionsOn("aud").filter(isPinning);
  const exactAudience = audiences.some((condition) =>
    condition.values.every((value) => isUnknownMarker(value) || !/[*?]/.test(value)),
  );
  if (!exactAudience) {
    problems.push(
      `${where} does not pin "${provider.host}:aud"; add a StringEquals condition on it with the exact audience ` +
        '(e.g. "sts.amazonaws.com").',
    );
  }

  const subjects = conditionsOn("sub");
  const pinned = subjects.some(
    (condition) =>
      isPinning(condition) &&
      condition.values.every((value) => isUnknownMarker(value) || provider.pinsRepository(value)),
  );
  if (!pinned) {
    const written = subjects.flatMap((condition) => condition.values).map((value) => `"${value}"`);
    const detail = written.length > 0 ? ` (${written.join(", ")} leaves owner or repository open)` : "";
    problems.push(
      `${where} does not pin "${provider.host}:sub" to one repository${detail}; add a StringEquals or ` +
        `StringLike condition such as "${provider.example}".`,
    );
  }
  return problems;
}

export const oidcTrustPinned = documentPolicy<OidcConfig>({
  name: "iam-oidc-trust-pinned",
  description:
    "Roles trusted by GitHub Actions or GitLab CI through OIDC must pin the token's `aud` and pin `sub` " +
    "to one repository (no wildcard in owner or repository), or any repository on the platform can assume them.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add `StringEquals` on `<provider>:aud` and `StringLike`/`StringEquals` on `<provider>:sub` such as " +
    "`repo:<owner>/<repo>:ref:refs/heads/main`.",
  kinds: ["trust"],
  configSchema: {
    properties: {
      githubProviders: stringListSetting("OIDC provider hosts that issue GitHub Actions tokens.", [
        "token.actions.githubusercontent.com",
      ]),
      gitlabProviders: stringListSetting("OIDC provider hosts that issue GitLab CI tokens.", ["gitlab.com"]),
    },
  },
  check(statement, { config }) {
    if (statement.effect !== "Allow" || statement.conditionsUnknown) {
      return [];
    }
    return statement.principals
      .filter(
        (principal) => principal.type.toLowerCase() === "federated" && !isUnknownMarker(principal.value),
      )
      .map((principal) => providerOf(principal.value, config))
      .filter((provider): provider is Provider => provider !== undefined)
      .flatMap((provider) => checkProvider(statement, provider));
  },
});

interface CrossAccountConfig {
  trustedAccounts: string[];
}

/** The account of an AWS principal that is an account root or a role (`123456789012`, `...:root`, `...:role/x`). */
function accountOfRootOrRole(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) {
    return value;
  }
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(?:root$|role\/|assumed-role\/)/.exec(value)?.[1];
}

/** An `sts:ExternalId` condition that holds only for the values it lists. */
function requiresExternalId(statement: Statement): boolean {
  return statement.conditions.some((condition) => {
    const operator = condition.operator.toLowerCase();
    return (
      condition.key === "sts:externalid" &&
      (operator === "stringequals" || operator === "stringequalsignorecase") &&
      condition.values.length > 0 &&
      condition.values.every((value) => isUnknownMarker(value) || !/^[*?]*$/.test(value))
    );
  });
}

export const trustCrossAccountExternalId = documentPolicy<CrossAccountConfig>({
  name: "iam-trust-cross-account-external-id",
  description:
    "A role trusted by the root or a role of an account outside `trustedAccounts` must require `sts:ExternalId` " +
    "(StringEquals): otherwise a service in that account can be tricked into acting on this account (the " +
    "confused deputy).",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Add `StringEquals: { "sts:ExternalId": "<id agreed with the other account>" }` to the trust statement, or ' +
    "list the account in the stack's `trustedAccounts` when it is one of your own.",
  kinds: ["trust"],
  configSchema: {
    properties: {
      trustedAccounts: stringListSetting(
        "Account ids whose root and roles may be trusted without sts:ExternalId (this stack's own accounts).",
        [],
      ),
    },
  },
  check(statement, { config }) {
    if (statement.effect !== "Allow" || statement.conditionsUnknown || requiresExternalId(statement)) {
      return [];
    }
    const trusted = new Set(config.trustedAccounts);
    return statement.principals
      .filter((principal) => principal.type.toLowerCase() === "aws")
      .map((principal) => ({ principal: principal.value, account: accountOfRootOrRole(principal.value) }))
      .filter(({ account }) => account !== undefined && !trusted.has(account))
      .map(
        ({ principal, account }) =>
          `Allow to principal AWS "${principal}" trusts account ${account} without sts:ExternalId; add ` +
          'StringEquals "sts:ExternalId" with the id agreed with that account, or list it in trustedAccounts.',
      );
  },
});
