import type { Policies } from "@pulumi/policy";
import { apiGatewayPolicies } from "./apigateway";
import { awsNativeCheckedTypes } from "./aws-native";
import { cloudTrailPolicies } from "./cloudtrail";
import { cloudWatchPolicies } from "./cloudwatch";
import { codeBuildPolicies } from "./codebuild";
import { dynamoDbPolicies } from "./dynamodb";
import { ecrPolicies } from "./ecr";
import { iamPolicies } from "./iam";
import { inspectorPolicies } from "./inspector";
import { kmsPolicies } from "./kms";
import { lambdaPolicies } from "./lambda";
import { s3Policies } from "./s3";
import { secretsManagerPolicies } from "./secretsmanager";
import { snsPolicies } from "./sns";
import { taggingPolicies } from "./tagging";

/**
 * The pack's name and policies, apart from `index.ts` so tests can load them without starting the gRPC
 * server that `new PolicyPack(...)` starts.
 */
export const packName = "shop-guardrails";

export const policies: Policies = [
  ...iamPolicies,
  ...lambdaPolicies,
  ...ecrPolicies,
  ...dynamoDbPolicies,
  ...kmsPolicies,
  ...s3Policies,
  ...cloudTrailPolicies,
  ...cloudWatchPolicies,
  ...apiGatewayPolicies,
  ...snsPolicies,
  ...codeBuildPolicies,
  ...secretsManagerPolicies,
  ...inspectorPolicies,
  ...taggingPolicies,
  awsNativeCheckedTypes,
];
