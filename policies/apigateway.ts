import type { ResourceValidationPolicy } from "@pulumi/policy";
import { copyKnown } from "./lib/known";
import { forTypes } from "./lib/policy";
import { awsTypes } from "./lib/resource-types";
import { isSet } from "./lib/values";

export const stageAccessLogging: ResourceValidationPolicy = {
  name: "apigateway-stage-access-logging",
  description:
    "API Gateway v2 stages must write access logs (destination and format), so every request can be traced.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `accessLogSettings: { destinationArn: logGroup.arn, format: JSON.stringify({...}) }`.",
  validateResource: forTypes([awsTypes.apiGatewayV2Stage], (args, reportViolation) => {
    const settings = args.props.accessLogSettings;
    const missing = ["destinationArn", "format"].filter((key) => !settings || !isSet(() => settings[key]));
    if (missing.length > 0) {
      reportViolation(
        `accessLogSettings.${missing.join(" and accessLogSettings.")} not set; send access logs to a log group.`,
      );
    }
  }),
};

export const stageThrottling: ResourceValidationPolicy = {
  name: "apigateway-stage-throttling",
  description:
    "API Gateway v2 stages must throttle by default (burst and rate limits), so one client cannot run up the Lambda and DynamoDB bill.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `defaultRouteSettings: { throttlingBurstLimit, throttlingRateLimit }` from stack config.",
  validateResource: forTypes([awsTypes.apiGatewayV2Stage], (args, reportViolation) => {
    const route = args.props.defaultRouteSettings;
    const missing = ["throttlingBurstLimit", "throttlingRateLimit"].filter(
      (key) => typeof route?.[key] !== "number" || route[key] <= 0,
    );
    if (missing.length > 0) {
      reportViolation(
        `defaultRouteSettings.${missing.join(" and defaultRouteSettings.")} not set; set positive limits.`,
      );
    }
  }),
};

export const corsNoWildcardWithCredentials: ResourceValidationPolicy = {
  name: "apigateway-cors-no-wildcard-with-credentials",
  description:
    'HTTP API CORS must not allow the origin `"*"` together with credentials: any site could then make ' +
    "authenticated calls with the visitor's cookies.",
  enforcementLevel: "mandatory",
  remediationSteps: "List the exact origins in `corsConfiguration.allowOrigins` (from stack config).",
  validateResource: forTypes([awsTypes.apiGatewayV2Api], (args, reportViolation) => {
    const cors = copyKnown(() => args.props.corsConfiguration).value as
      { allowOrigins?: unknown; allowCredentials?: unknown } | undefined;
    const origins = Array.isArray(cors?.allowOrigins) ? cors.allowOrigins : [];
    if (cors?.allowCredentials === true && origins.includes("*")) {
      reportViolation(
        'corsConfiguration allows origin "*" with allowCredentials; list the exact origins instead.',
      );
    }
  }),
};

export const apiGatewayPolicies = [stageAccessLogging, stageThrottling, corsNoWildcardWithCredentials];
