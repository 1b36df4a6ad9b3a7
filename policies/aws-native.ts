import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes } from "./lib/policy";

/**
 * The `aws-native:` types whose `aws:` equivalents this pack judges. The pack reads `@pulumi/aws` inputs
 * only; an aws-native resource of one of these types would bypass every check, so it is refused instead.
 */
export const checkedAwsNativeTypes: Readonly<Record<string, string>> = {
  "aws-native:iam:Role": "aws.iam.Role",
  "aws-native:iam:RolePolicy": "aws.iam.RolePolicy",
  "aws-native:iam:ManagedPolicy": "aws.iam.Policy",
  "aws-native:iam:UserPolicy": "aws.iam.UserPolicy",
  "aws-native:iam:GroupPolicy": "aws.iam.GroupPolicy",
  "aws-native:iam:User": "aws.iam.User (with a group)",
  "aws-native:iam:Group": "aws.iam.Group",
  "aws-native:lambda:Function": "aws.lambda.Function",
  "aws-native:lambda:Permission": "aws.lambda.Permission",
  "aws-native:lambda:Url": "aws.lambda.FunctionUrl",
  "aws-native:ecr:Repository": "aws.ecr.Repository",
  "aws-native:ecr:RegistryPolicy": "aws.ecr.RegistryPolicy",
  "aws-native:ecr:RepositoryCreationTemplate": "aws.ecr.RepositoryCreationTemplate",
  "aws-native:dynamodb:Table": "aws.dynamodb.Table",
  "aws-native:dynamodb:GlobalTable": "aws.dynamodb.Table",
  "aws-native:kms:Key": "aws.kms.Key",
  "aws-native:s3:Bucket": "aws.s3.Bucket",
  "aws-native:s3:BucketPolicy": "aws.s3.BucketPolicy",
  "aws-native:s3:AccessPoint": "aws.s3.AccessPoint",
  "aws-native:cloudtrail:Trail": "aws.cloudtrail.Trail",
  "aws-native:logs:LogGroup": "aws.cloudwatch.LogGroup",
  "aws-native:logs:ResourcePolicy": "aws.cloudwatch.LogResourcePolicy",
  "aws-native:apigatewayv2:Api": "aws.apigatewayv2.Api",
  "aws-native:apigatewayv2:Stage": "aws.apigatewayv2.Stage",
  "aws-native:sns:Topic": "aws.sns.Topic",
  "aws-native:sns:TopicPolicy": "aws.sns.TopicPolicy",
  "aws-native:sns:Subscription": "aws.sns.TopicSubscription",
  "aws-native:sqs:Queue": "aws.sqs.Queue",
  "aws-native:sqs:QueuePolicy": "aws.sqs.QueuePolicy",
  "aws-native:secretsmanager:Secret": "aws.secretsmanager.Secret",
  "aws-native:secretsmanager:ResourcePolicy": "aws.secretsmanager.SecretPolicy",
  "aws-native:codebuild:Project": "aws.codebuild.Project",
  "aws-native:events:EventBus": "aws.cloudwatch.EventBus",
  "aws-native:events:EventBusPolicy": "aws.cloudwatch.EventBusPolicy",
};

export const awsNativeCheckedTypes: ResourceValidationPolicy = {
  name: "awsnative-checked-types-use-aws",
  description:
    "Resources of the types this pack checks must be declared with `@pulumi/aws`, not `@pulumi/aws-native`: the " +
    "pack cannot read aws-native inputs, so an aws-native role, bucket, key or function would pass unchecked.",
  enforcementLevel: "mandatory",
  remediationSteps: "Declare the resource with the `@pulumi/aws` type the message names.",
  validateResource: forTypes(Object.keys(checkedAwsNativeTypes), (args, reportViolation) => {
    reportViolation(
      `${args.type} is not checked by this pack (it reads @pulumi/aws inputs only) and would bypass its IAM and ` +
        `service policies; declare it as ${checkedAwsNativeTypes[args.type]} instead.`,
    );
  }),
};
