import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isPublicPrincipalValue } from "./lib/iam-patterns";
import { copyKnown, knownOrUndefined } from "./lib/known";
import { forTypes, readConfig } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { plaintextSecretReason, secretSettingsSchema, type SecretDetectionSettings } from "./lib/secrets";
import { stackOf } from "./lib/stack-once";
import { isSet } from "./lib/values";

export const permissionNoPublicPrincipal: ResourceValidationPolicy = {
  name: "lambda-permission-no-public-principal",
  description:
    'Lambda permissions must never grant invocation to `"*"` (anyone, including a public function URL).',
  enforcementLevel: "mandatory",
  remediationSteps: "Set `principal` to the service or account that invokes the function.",
  validateResource: forTypes([awsTypes.lambdaPermission], (args, reportViolation) => {
    const principal = knownOrUndefined(() => args.props.principal);
    if (typeof principal === "string" && isPublicPrincipalValue(principal)) {
      reportViolation(
        `principal "${principal}" lets anyone invoke the function; name the invoking service or account instead.`,
      );
    }
  }),
};

export const permissionSourceScoped: ResourceValidationPolicy = {
  name: "lambda-permission-source-scoped",
  description:
    "A Lambda permission for an AWS service principal must set `sourceArn` (or `sourceAccount`), or any " +
    "account's API, rule or bucket could invoke the function through that service.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `sourceArn` to the invoking resource: the API's execution ARN followed by `/*/*`, the rule's ARN, the bucket's ARN.",
  validateResource: forTypes([awsTypes.lambdaPermission], (args, reportViolation) => {
    const principal = knownOrUndefined(() => args.props.principal);
    if (typeof principal !== "string" || !principal.toLowerCase().endsWith(".amazonaws.com")) {
      return;
    }
    const sourceArn = knownOrUndefined(() => args.props.sourceArn);
    if (typeof sourceArn === "string" && /^[*?]+$/.test(sourceArn)) {
      reportViolation(
        `sourceArn "${sourceArn}" matches every resource; set it to the invoking resource's ARN.`,
      );
      return;
    }
    if (!isSet(() => args.props.sourceArn) && !isSet(() => args.props.sourceAccount)) {
      reportViolation(
        `service principal "${principal}" has neither sourceArn nor sourceAccount; set sourceArn to the invoking resource's ARN.`,
      );
    }
  }),
};

export const noSecretsInEnvironment: ResourceValidationPolicy = {
  name: "lambda-no-secrets-in-environment",
  description:
    "Lambda environment variables must not hold secrets: no AWS access key ids, no private keys, and no " +
    "literal values in variables named like *SECRET*, *PASSWORD*, *TOKEN*, *API_KEY* (an ARN or " +
    "`{{resolve:...}}` reference is fine). Anyone who can read the function configuration can read them.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Store the secret in Secrets Manager, pass its ARN (e.g. `JWT_SECRET_ARN`) and read it at run time.",
  configSchema: secretSettingsSchema,
  validateResource: forTypes([awsTypes.lambdaFunction], (args, reportViolation) => {
    const settings = readConfig<SecretDetectionSettings>(args, secretSettingsSchema);
    const variables = copyKnown(() => args.props.environment?.variables).value;
    if (variables === null || typeof variables !== "object") {
      return;
    }
    for (const [name, value] of Object.entries(variables as Record<string, unknown>)) {
      const reason = plaintextSecretReason(name, value, settings);
      if (reason) {
        reportViolation(
          `environment variable "${name}" looks like a plaintext secret (${reason}); store it in Secrets ` +
            "Manager and pass its ARN instead.",
        );
      }
    }
  }),
};

export const xrayTracing: ResourceValidationPolicy = {
  name: "lambda-xray-tracing",
  description:
    "Lambda functions should have active X-Ray tracing, so a slow or failing request can be followed.",
  enforcementLevel: "advisory",
  remediationSteps: 'Set `tracingConfig: { mode: "Active" }` and allow the X-Ray put actions in the role.',
  validateResource: forTypes([awsTypes.lambdaFunction], (args, reportViolation) => {
    const mode = args.props.tracingConfig?.mode;
    if (mode !== "Active") {
      reportViolation(
        `tracingConfig.mode is ${mode === undefined ? "not set" : `"${mode}"`}; set it to "Active".`,
      );
    }
  }),
};

export const reservedConcurrency: ResourceValidationPolicy = {
  name: "lambda-reserved-concurrency",
  description:
    "Lambda functions should reserve concurrency, so one function cannot starve the others of the account's " +
    "limit, nor scale past what its downstream tables can take.",
  enforcementLevel: "advisory",
  remediationSteps: "Set `reservedConcurrentExecutions` to the function's expected peak.",
  validateResource: forTypes([awsTypes.lambdaFunction], (args, reportViolation) => {
    const reserved = args.props.reservedConcurrentExecutions;
    if (typeof reserved !== "number" || reserved < 1) {
      reportViolation(
        `reservedConcurrentExecutions is ${reserved === undefined ? "not set" : reserved}; set it to the function's expected peak.`,
      );
    }
  }),
};

/** Services that invoke Lambda asynchronously: a failed event is retried, then dropped unless kept somewhere. */
const asyncInvokers = [
  "events.amazonaws.com",
  "scheduler.amazonaws.com",
  "sns.amazonaws.com",
  "s3.amazonaws.com",
  "ses.amazonaws.com",
  "logs.amazonaws.com",
  "iot.amazonaws.com",
];

export const asyncFailureDestination: StackValidationPolicy = {
  name: "lambda-async-failure-destination",
  description:
    "A Lambda function invoked asynchronously (EventBridge, SNS, S3, ...) should keep failed events: a " +
    "dead-letter queue, an on-failure destination, or a dead-letter queue on the EventBridge target.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Add `deadLetterConfig` to the function, an `aws.lambda.FunctionEventInvokeConfig` with `destinationConfig.onFailure`, " +
    "or `deadLetterConfig` on the `aws.cloudwatch.EventTarget`.",
  validateStack: (args, reportViolation) => {
    const functions = stackOf(args).ofType(awsTypes.lambdaFunction);
    const permissions = stackOf(args).referrers(awsTypes.lambdaPermission, "function");
    const invokeConfigs = stackOf(args).referrers(awsTypes.lambdaFunctionEventInvokeConfig, "functionName");
    const eventTargets = stackOf(args).referrers(awsTypes.cloudWatchEventTarget, "arn");
    for (const fn of functions) {
      const invokers = permissions
        .to(fn, ["name", "arn"])
        .map((permission) => knownOrUndefined(() => permission.props.principal))
        .filter((principal): principal is string => typeof principal === "string")
        .filter((principal) => asyncInvokers.includes(principal.toLowerCase()));
      if (invokers.length === 0) {
        continue;
      }
      const hasDeadLetterQueue = isSet(() => fn.props.deadLetterConfig?.targetArn);
      const hasOnFailure = invokeConfigs
        .to(fn, ["name", "arn"])
        .some((config) => isSet(() => config.props.destinationConfig?.onFailure?.destination));
      const hasTargetQueue = eventTargets
        .to(fn, ["arn"])
        .some((target) => isSet(() => target.props.deadLetterConfig?.arn));
      if (!hasDeadLetterQueue && !hasOnFailure && !hasTargetQueue) {
        reportViolation(
          `function "${fn.name}" is invoked asynchronously by ${[...new Set(invokers)].join(", ")} but keeps no failed ` +
            "events; add a dead-letter queue or an on-failure destination.",
          fn.urn,
        );
      }
    }
  },
};

export const lambdaPolicies = [
  permissionNoPublicPrincipal,
  permissionSourceScoped,
  noSecretsInEnvironment,
  xrayTracing,
  reservedConcurrency,
  asyncFailureDestination,
];
