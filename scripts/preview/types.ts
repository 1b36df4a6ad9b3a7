/** The plain shapes the offline preview, the benchmarks and the tests exchange with a policy pack. */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A resource as the engine describes it to an analyzer: its inputs, and for stack analysis its links. */
export interface AnalyzedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  /** For each input, the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly provider?: {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties: Record<string, unknown>;
  };
}

export interface PolicyDiagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  /** Set by stack policies that name the resource; resource policies leave it to the request's URN. */
  readonly urn?: string;
}

export interface AnalyzeResult {
  readonly diagnostics: readonly PolicyDiagnostic[];
  readonly notApplicable: readonly { readonly policyName: string; readonly reason: string }[];
}

export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly policyType: "resource" | "stack" | "unknown";
  readonly remediationSteps: string;
  readonly configSchema?: {
    readonly properties: Record<string, unknown>;
    readonly required: readonly string[];
  };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly displayName: string;
  readonly version: string;
  readonly supportsConfig: boolean;
  readonly policies: readonly PolicyInfo[];
}

/** What `Configure` takes for one policy (the CLI's reconciled `--policy-pack-config`). */
export interface PolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}
