import { createHash } from "node:crypto";
import type { OfflinePreviewResult } from "./offline-preview";

/**
 * The violations as SARIF 2.1.0, for code-scanning dashboards: one rule per policy of the pack, one result
 * per violation, located at the line that declared the resource (else the program's entry point).
 */

const sarifLevel = (level: string): "error" | "warning" | "none" =>
  level === "mandatory" || level === "remediate" ? "error" : level === "advisory" ? "warning" : "none";

/** The violation's own text: the runtime puts the policy description first, the rule already carries it. */
function detail(message: string, description: string): string {
  return message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

export function renderSarif(result: OfflinePreviewResult): string {
  const rules = result.pack.policies.map((policy) => ({
    id: policy.name,
    shortDescription: { text: policy.description.split(/(?<=\.)\s/)[0] },
    fullDescription: { text: policy.description },
    help: { text: policy.remediationSteps || policy.description },
    defaultConfiguration: { level: sarifLevel(policy.enforcementLevel) },
    properties: { tags: ["security", "pulumi-policy", policy.policyType] },
  }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = result.diagnostics.map((diagnostic) => {
    const subject = diagnostic.resource
      ? `${diagnostic.resource.type} "${diagnostic.resource.name}"`
      : `stack ${result.stack}`;
    const text = `${subject}: ${detail(diagnostic.message, diagnostic.description)}`;
    return {
      ruleId: diagnostic.policyName,
      ...(ruleIndex.has(diagnostic.policyName) ? { ruleIndex: ruleIndex.get(diagnostic.policyName) } : {}),
      level: sarifLevel(diagnostic.enforcementLevel),
      message: { text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: diagnostic.location.file, uriBaseId: "%SRCROOT%" },
            region: {
              startLine: diagnostic.location.line,
              ...(diagnostic.location.column ? { startColumn: diagnostic.location.column } : {}),
            },
          },
          ...(diagnostic.resource
            ? { logicalLocations: [{ fullyQualifiedName: diagnostic.resource.urn, kind: "resource" }] }
            : {}),
        },
      ],
      partialFingerprints: {
        "policyViolation/v1": createHash("sha256")
          .update(`${diagnostic.policyName}\0${diagnostic.resource?.urn ?? result.stack}\0${text}`)
          .digest("hex"),
      },
    };
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: result.pack.name,
            version: result.pack.version,
            informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
            rules,
          },
        },
        automationDetails: { id: `${result.pack.name}/${result.stack}/` },
        invocations: [{ executionSuccessful: true }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
