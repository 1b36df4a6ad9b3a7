import type { ResourceValidationPolicy } from "@pulumi/policy";
import { copyKnown } from "./lib/known";
import { forTypes, readConfig } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { plaintextSecretReason, secretSettingsSchema, type SecretDetectionSettings } from "./lib/secrets";

interface EnvironmentVariable {
  name?: unknown;
  value?: unknown;
  type?: unknown;
}

export const noPlaintextCredentials: ResourceValidationPolicy = {
  name: "codebuild-no-plaintext-credentials",
  description:
    "CodeBuild environment variables must not hold credentials in plaintext: secret-like names or values " +
    "must use the `SECRETS_MANAGER` or `PARAMETER_STORE` type, which resolves them at build time.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set `type: "SECRETS_MANAGER"` and `value: "<secret-name>:<json-key>"` (or PARAMETER_STORE and the parameter name).',
  configSchema: secretSettingsSchema,
  validateResource: forTypes([awsTypes.codeBuildProject], (args, reportViolation) => {
    const settings = readConfig<SecretDetectionSettings>(args, secretSettingsSchema);
    const variables = copyKnown(() => args.props.environment?.environmentVariables).value;
    if (!Array.isArray(variables)) {
      return;
    }
    for (const variable of variables as EnvironmentVariable[]) {
      const type = typeof variable.type === "string" ? variable.type.toUpperCase() : "PLAINTEXT";
      if (type !== "PLAINTEXT" || typeof variable.name !== "string") {
        continue;
      }
      const reason = plaintextSecretReason(variable.name, variable.value, settings);
      if (reason) {
        reportViolation(
          `environment variable "${variable.name}" is PLAINTEXT but looks like a credential (${reason}); ` +
            "use type SECRETS_MANAGER or PARAMETER_STORE.",
        );
      }
    }
  }),
};

export const codeBuildPolicies = [noPlaintextCredentials];
