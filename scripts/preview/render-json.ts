import type { OfflinePreviewResult } from "./offline-preview";

/**
 * A machine-readable preview, shaped like `pulumi preview --json` (steps and a change summary) plus what
 * that command leaves out: the policy packs that ran and their violations, each with its source location.
 * Resource inputs are not included, so no secret value reaches the output.
 */
export function renderJson(result: OfflinePreviewResult): string {
  const count = (level: string) => result.diagnostics.filter((d) => d.enforcementLevel === level).length;
  return `${JSON.stringify(
    {
      project: result.project,
      stack: result.stack,
      steps: result.resources.map((resource) => ({
        op: "create",
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        ...(resource.parent ? { parent: resource.parent } : {}),
        location: resource.location,
      })),
      changeSummary: { create: result.resources.length },
      policyPacks: [
        {
          name: result.pack.name,
          version: result.pack.version,
          path: result.pack.dir,
          policies: result.pack.policies.length,
        },
      ],
      policyViolations: result.diagnostics.map((diagnostic) => ({
        policyPackName: diagnostic.policyPackName,
        policyPackVersion: diagnostic.policyPackVersion,
        policyName: diagnostic.policyName,
        enforcementLevel: diagnostic.enforcementLevel,
        urn: diagnostic.resource?.urn,
        resourceType: diagnostic.resource?.type,
        resourceName: diagnostic.resource?.name,
        description: diagnostic.description,
        message: diagnostic.message,
        location: diagnostic.location,
      })),
      summary: {
        mandatory: count("mandatory"),
        advisory: count("advisory"),
        passed: result.mandatoryViolations === 0,
      },
      timings: result.timings,
    },
    null,
    2,
  )}\n`;
}
