import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type {
  AnalyzedResource,
  AnalyzeResult,
  AnalyzerInfo,
  EnforcementLevel,
  PolicyConfig,
  PolicyDiagnostic,
  PolicyInfo,
} from "./types";

/**
 * Translation between the plain shapes in ./types and the analyzer protocol's messages, the way the engine
 * fills them: inputs as a protobuf Struct (with undefined values left out), every request with resource
 * options, provider and links as separate fields.
 */

/** A value as JSON the Struct can carry: undefined is dropped from objects and becomes null in lists. */
export function toStructValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return value;
  }
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : undefined;
  }
  if (Array.isArray(value)) {
    return value.map((item) => toStructValue(item) ?? null);
  }
  if (typeof value === "object" && typeof (value as { then?: unknown }).then !== "function") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const converted = toStructValue(item);
      if (converted !== undefined) {
        result[key] = converted;
      }
    }
    return result;
  }
  return undefined;
}

function toStruct(properties: Record<string, unknown>): structproto.Struct {
  return structproto.Struct.fromJavaScript(
    toStructValue(properties) as Record<string, structproto.JavaScriptValue>,
  );
}

function toProvider(
  provider: NonNullable<AnalyzedResource["provider"]>,
): analyzerproto.AnalyzerProviderResource {
  return new analyzerproto.AnalyzerProviderResource()
    .setUrn(provider.urn)
    .setType(provider.type)
    .setName(provider.name)
    .setProperties(toStruct(provider.properties));
}

function toOptions(resource: AnalyzedResource): analyzerproto.AnalyzerResourceOptions {
  const options = new analyzerproto.AnalyzerResourceOptions();
  if (resource.parent) {
    options.setParent(resource.parent);
  }
  return options;
}

export function toAnalyzeRequest(resource: AnalyzedResource): analyzerproto.AnalyzeRequest {
  const request = new analyzerproto.AnalyzeRequest()
    .setUrn(resource.urn)
    .setType(resource.type)
    .setName(resource.name)
    .setProperties(toStruct(resource.properties))
    .setOptions(toOptions(resource));
  if (resource.provider) {
    request.setProvider(toProvider(resource.provider));
  }
  return request;
}

export function toAnalyzerResource(resource: AnalyzedResource): analyzerproto.AnalyzerResource {
  const message = new analyzerproto.AnalyzerResource()
    .setUrn(resource.urn)
    .setType(resource.type)
    .setName(resource.name)
    .setProperties(toStruct(resource.properties))
    .setOptions(toOptions(resource))
    .setParent(resource.parent ?? "")
    .setDependenciesList([...(resource.dependencies ?? [])]);
  if (resource.provider) {
    message.setProvider(toProvider(resource.provider));
  }
  const propertyDependencies = message.getPropertydependenciesMap();
  for (const [input, urns] of Object.entries(resource.propertyDependencies ?? {})) {
    if (urns.length > 0) {
      propertyDependencies.set(
        input,
        new analyzerproto.AnalyzerPropertyDependencies().setUrnsList([...urns]),
      );
    }
  }
  return message;
}

export function toAnalyzeStackRequest(
  resources: readonly AnalyzedResource[],
): analyzerproto.AnalyzeStackRequest {
  return new analyzerproto.AnalyzeStackRequest().setResourcesList(resources.map(toAnalyzerResource));
}

const levels: Record<number, EnforcementLevel> = {
  [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
};

function levelOf(level: analyzerproto.EnforcementLevel): EnforcementLevel {
  return levels[level] ?? "advisory";
}

function toLevel(level: EnforcementLevel): analyzerproto.EnforcementLevel {
  const found = Object.entries(levels).find(([, name]) => name === level);
  if (!found) {
    throw new Error(`unknown enforcement level "${level}"`);
  }
  return Number(found[0]) as analyzerproto.EnforcementLevel;
}

export function fromAnalyzeResponse(response: analyzerproto.AnalyzeResponse): AnalyzeResult {
  const diagnostics: PolicyDiagnostic[] = response.getDiagnosticsList().map((diagnostic) => ({
    policyName: diagnostic.getPolicyname(),
    policyPackName: diagnostic.getPolicypackname(),
    policyPackVersion: diagnostic.getPolicypackversion(),
    description: diagnostic.getDescription(),
    message: diagnostic.getMessage(),
    enforcementLevel: levelOf(diagnostic.getEnforcementlevel()),
    ...(diagnostic.getUrn() ? { urn: diagnostic.getUrn() } : {}),
  }));
  const notApplicable = response
    .getNotApplicableList()
    .map((entry) => ({ policyName: entry.getPolicyName(), reason: entry.getReason() }));
  return { diagnostics, notApplicable };
}

const policyTypes: Record<number, PolicyInfo["policyType"]> = {
  [analyzerproto.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
  [analyzerproto.PolicyType.POLICY_TYPE_STACK]: "stack",
};

export function fromAnalyzerInfo(info: analyzerproto.AnalyzerInfo): AnalyzerInfo {
  return {
    name: info.getName(),
    displayName: info.getDisplayname(),
    version: info.getVersion(),
    supportsConfig: info.getSupportsconfig(),
    policies: info.getPoliciesList().map((policy) => {
      const schema = policy.getConfigschema();
      return {
        name: policy.getName(),
        description: policy.getDescription(),
        enforcementLevel: levelOf(policy.getEnforcementlevel()),
        policyType: policyTypes[policy.getPolicyType()] ?? "unknown",
        remediationSteps: policy.getRemediationSteps(),
        ...(schema
          ? {
              configSchema: {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                required: schema.getRequiredList(),
              },
            }
          : {}),
      };
    }),
  };
}

export function toConfigureRequest(
  config: Readonly<Record<string, PolicyConfig>>,
): analyzerproto.ConfigureAnalyzerRequest {
  const request = new analyzerproto.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [policyName, policyConfig] of Object.entries(config)) {
    map.set(
      policyName,
      new analyzerproto.PolicyConfig()
        .setEnforcementlevel(toLevel(policyConfig.enforcementLevel))
        .setProperties(toStruct(policyConfig.properties)),
    );
  }
  return request;
}
