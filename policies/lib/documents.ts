import type { ResourceValidationArgs } from "@pulumi/policy";
import { parseDocument, type ParsedDocument } from "./iam-document";
import { copyKnown, type KnownCopy } from "./known";
import { awsTypes } from "./resource-types";

/**
 * Where IAM documents appear in resource inputs, and what kind each one is.
 *
 * identity: attached to a principal (what it may do); trust: who may assume a role; resource: who may use
 * the resource it is attached to (there `Resource: "*"` means the resource itself).
 */
export type DocumentKind = "identity" | "trust" | "resource";

export interface DocumentSource {
  /** Where the document sits in the inputs, for messages: `policy`, `inlinePolicies[1] ("reports")`. */
  readonly location: string;
  readonly kind: DocumentKind;
  readonly copy: KnownCopy;
}

export interface ResourceDocument extends DocumentSource {
  readonly parsed: ParsedDocument;
}

const identityPolicyTypes = [
  awsTypes.iamPolicy,
  awsTypes.iamRolePolicy,
  awsTypes.iamUserPolicy,
  awsTypes.iamGroupPolicy,
];

/** Resource types whose `policy` input is a resource policy. */
const resourcePolicyTypes = [
  awsTypes.ecrRepositoryPolicy,
  awsTypes.ecrRegistryPolicy,
  awsTypes.ecrPublicRepositoryPolicy,
  awsTypes.s3BucketPolicy,
  awsTypes.s3Bucket,
  awsTypes.s3BucketV2,
  awsTypes.snsTopicPolicy,
  awsTypes.snsTopic,
  awsTypes.sqsQueuePolicy,
  awsTypes.sqsQueue,
  awsTypes.kmsKey,
  awsTypes.kmsKeyPolicy,
  awsTypes.secretsManagerSecretPolicy,
  awsTypes.secretsManagerSecret,
  awsTypes.cloudWatchEventBusPolicy,
];

/** Key policies, where AWS's own account-root statement (`kms:*` on `*`) is expected. */
export const keyPolicyTypes: readonly string[] = [awsTypes.kmsKey, awsTypes.kmsKeyPolicy];

const typesByKind: Record<DocumentKind, readonly string[]> = {
  identity: [...identityPolicyTypes, awsTypes.iamRole],
  trust: [awsTypes.iamRole],
  resource: [...resourcePolicyTypes, awsTypes.cloudWatchLogResourcePolicy],
};

/** The resource types that carry documents of the given kinds. */
export function documentTypesFor(kinds: readonly DocumentKind[]): string[] {
  return [...new Set(kinds.flatMap((kind) => typesByKind[kind]))];
}

/**
 * The documents of each decoded resource, by the object the runtime's proxy wraps.
 *
 * Ten IAM policies read the same resource's documents; the runtime decodes its inputs once per request
 * (deserialize-once.ts) and gives each policy a fresh proxy over them, so the object behind the proxy
 * identifies the resource of this request, and its documents are parsed once instead of ten times.
 * Policies only read what they get (the policy tests check decoded inputs are left unchanged). Decoded
 * inputs belong to one resource, so to one type: the object alone is the key.
 */
const documentsByInputs = new WeakMap<object, readonly ResourceDocument[]>();

/** The runtime's key for reading the object behind one of its unknown-checking proxies. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime module object, as in deserialize-once.ts
const proxyTarget = (require("@pulumi/policy/proxy") as { getSpecialProxyTarget: string })
  .getSpecialProxyTarget;

export function documentsOf(
  args: Pick<ResourceValidationArgs, "type" | "props">,
): readonly ResourceDocument[] {
  const target = (args.props as Record<string, unknown>)[proxyTarget];
  if (typeof target !== "object" || target === null) {
    return parseDocumentsOf(args);
  }
  const known = documentsByInputs.get(target);
  if (known !== undefined) return known;
  const documents = parseDocumentsOf(args);
  documentsByInputs.set(target, documents);
  return documents;
}

function parseDocumentsOf(args: Pick<ResourceValidationArgs, "type" | "props">): ResourceDocument[] {
  const props = args.props;
  const sources: DocumentSource[] = [];
  const add = (location: string, kind: DocumentKind, read: () => unknown) => {
    const copy = copyKnown(read);
    if (copy.value !== undefined && copy.value !== null && copy.value !== "") {
      sources.push({ location, kind, copy });
    }
  };
  if ((identityPolicyTypes as readonly string[]).includes(args.type)) {
    add("policy", "identity", () => props.policy);
  } else if (args.type === awsTypes.iamRole) {
    add("assumeRolePolicy", "trust", () => props.assumeRolePolicy);
    const inline = copyKnown(() => props.inlinePolicies).value;
    if (Array.isArray(inline)) {
      inline.forEach((_entry, index) => {
        const name = copyKnown(() => props.inlinePolicies[index].name).value;
        const label =
          typeof name === "string" ? `inlinePolicies[${index}] ("${name}")` : `inlinePolicies[${index}]`;
        add(label, "identity", () => props.inlinePolicies[index].policy);
      });
    }
  } else if ((resourcePolicyTypes as readonly string[]).includes(args.type)) {
    add("policy", "resource", () => props.policy);
  } else if (args.type === awsTypes.cloudWatchLogResourcePolicy) {
    add("policyDocument", "resource", () => props.policyDocument);
  }
  return sources.map((source) => ({ ...source, parsed: parseDocument(source.copy.value) }));
}
