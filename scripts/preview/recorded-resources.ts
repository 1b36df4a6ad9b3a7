import type { RecordedResource } from "../lib/program-under-mocks";
import type { AnalyzedResource } from "./types";

/**
 * The resources of a mocked run as the engine hands them to analyzers.
 *
 * `Analyze` receives a resource's inputs; `AnalyzeStack` receives its state after the step (for a
 * preview, the inputs and whatever the provider already knows). Under mocks the state the mock cloud
 * returned plays that part: inputs plus the ids, ARNs and names AWS would assign.
 */
export interface AnalyzerResources {
  /** One per registration, for `Analyze`. */
  readonly inputs: AnalyzedResource[];
  /** The whole stack, for `AnalyzeStack`. */
  readonly state: AnalyzedResource[];
}

function providerOf(resource: RecordedResource, providers: ReadonlyMap<string, RecordedResource>) {
  const provider = resource.provider ? providers.get(resource.provider) : undefined;
  return provider
    ? {
        provider: {
          urn: provider.urn,
          type: provider.type,
          name: provider.name,
          properties: { ...provider.inputs },
        },
      }
    : {};
}

export function toAnalyzerResources(resources: readonly RecordedResource[]): AnalyzerResources {
  const providers = new Map(
    resources
      .filter((resource) => resource.type.startsWith("pulumi:providers:"))
      .map((provider) => [`${provider.urn}::${provider.id}`, provider] as const),
  );
  const common = (resource: RecordedResource) => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    ...(resource.parent ? { parent: resource.parent } : {}),
    dependencies: resource.dependencies,
    propertyDependencies: resource.propertyDependencies,
    ...providerOf(resource, providers),
  });
  return {
    inputs: resources.map((resource) => ({ ...common(resource), properties: { ...resource.inputs } })),
    state: resources.map((resource) => ({
      ...common(resource),
      properties: resource.custom
        ? { ...resource.inputs, ...resource.outputs, ...(resource.id ? { id: resource.id } : {}) }
        : { ...resource.outputs },
    })),
  };
}
