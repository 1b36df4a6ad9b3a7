import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { documentsOf, documentTypesFor, type DocumentKind, type ResourceDocument } from "../lib/documents";
import type { Statement } from "../lib/iam-document";
import { forTypes, readConfig } from "../lib/policy";

export interface StatementContext<Config> {
  readonly document: ResourceDocument;
  readonly args: ResourceValidationArgs;
  readonly config: Config;
}

export interface DocumentPolicyDefinition<Config extends object> {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly remediationSteps: string;
  /** The kinds of document the rule reads. */
  readonly kinds: readonly DocumentKind[];
  readonly configSchema?: PolicyConfigSchema;
  /** The problems of one statement, each a sentence that names the offending value and the fix. */
  check(statement: Statement, context: StatementContext<Config>): readonly string[];
}

/**
 * A policy that checks every statement of every IAM document a resource carries.
 *
 * Each problem is reported as `<where>, <statement>: <problem>`. When nothing is wrong with the known parts
 * but a document held values unknown during preview, the policy rethrows the runtime's unknown-value error so
 * the preview shows that the check could not finish (see lib/known.ts).
 */
export function documentPolicy<Config extends object = Record<string, never>>(
  definition: DocumentPolicyDefinition<Config>,
): ResourceValidationPolicy {
  const { check, kinds, configSchema, ...metadata } = definition;
  return {
    ...metadata,
    ...(configSchema ? { configSchema } : {}),
    validateResource: forTypes(documentTypesFor(kinds), (args, reportViolation) => {
      const config = configSchema ? readConfig<Config>(args, configSchema) : ({} as Config);
      const documents = documentsOf(args).filter((document) => kinds.includes(document.kind));
      let reported = 0;
      for (const document of documents) {
        if (!document.parsed.ok) {
          continue;
        }
        for (const statement of document.parsed.statements) {
          for (const problem of check(statement, { document, args, config })) {
            reportViolation(`${document.location}, ${statement.label}: ${problem}`);
            reported++;
          }
        }
      }
      const unknown = documents.find((document) => document.copy.unknown)?.copy.unknown;
      if (reported === 0 && unknown) {
        throw unknown;
      }
    }),
  };
}

export function quoteList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(", ");
}
