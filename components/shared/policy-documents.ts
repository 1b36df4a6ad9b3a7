/**
 * IAM document building blocks. Documents are rendered by `aws.iam.getPolicyDocument`, so statements are
 * typed and a policy pack (or a reviewer) reads the same JSON that AWS receives.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type PolicyStatement = aws.types.input.iam.GetPolicyDocumentStatementArgs;
export type PolicyCondition = aws.types.input.iam.GetPolicyDocumentStatementConditionArgs;

/** Renders statements into a policy document JSON string. */
export function policyDocument(
  parent: pulumi.Resource,
  statements: pulumi.Input<PolicyStatement>[],
): pulumi.Output<string> {
  return aws.iam.getPolicyDocumentOutput({ statements }, { parent }).json;
}

/** A trust policy that lets one AWS service assume the role, optionally only on behalf of this account. */
export function serviceTrustStatement(
  service: string,
  conditions?: pulumi.Input<PolicyCondition>[],
): PolicyStatement {
  return {
    sid: "ServiceAssumeRole",
    effect: "Allow",
    principals: [{ type: "Service", identifiers: [service] }],
    actions: ["sts:AssumeRole"],
    conditions,
  };
}

/**
 * Refuses every request that is not made over TLS. A Deny on a public principal restricts, never grants,
 * which is why `*` is the right principal and `service:*` the right action list here.
 */
export function denyInsecureTransportStatement(
  actions: string[],
  resources: pulumi.Input<string>[],
): PolicyStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions,
    resources,
    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}

/** Log-group ARNs from the provider have no suffix; `:*` names that group's streams (and nothing else). */
export function logStreamsArn(logGroupArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${logGroupArn}:*`;
}

/** `kms:Decrypt` on one key, and only when the call comes through the named AWS service. */
export function decryptThrough(
  sid: string,
  keyArn: pulumi.Input<string>,
  service: pulumi.Input<string>,
): PolicyStatement {
  return {
    sid,
    effect: "Allow",
    actions: ["kms:Decrypt"],
    resources: [keyArn],
    conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [service] }],
  };
}
