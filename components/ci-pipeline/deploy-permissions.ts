/**
 * What `pulumi up` of one application stack may change, as IAM statements for that stack's deploy role.
 *
 * Deploying a whole stack takes many services, so the honest boundary is "this stack's resources": every
 * statement lists exact actions, and every resource is an ARN pattern that starts with the stack's own
 * name prefix (`shop-dev-`), so the dev deploy role cannot touch prod or anything else in the account.
 * What cannot be scoped that way is left out on purpose and needs an administrator (see
 * docs/delivery-pipeline.md, "What the pipeline may not change"):
 *
 * - KMS keys and grants: key ARNs are random ids, and only `key/*` would cover new keys.
 * - Account-wide settings (Inspector enablement, ECR registry scanning), custom domains (ACM, Route 53).
 * - Reading secret values back (`secretsmanager:GetSecretValue`): a deploy may set the signing key, never
 *   read it.
 * - `iam:PassRole` on anything but the exact role ARNs listed in the target.
 *
 * The action lists follow the AWS provider's create/read/update/delete calls for the resource types the
 * app stack declares; `pulumi up` without `--refresh` only calls them for resources that change.
 */
import { logGroupArn, roleArn, type ArnScope } from "./arns";
import type { Statement } from "./role-policies";

/** One application stack the pipeline deploys. */
export interface DeployTarget {
  /** Stack name, e.g. "dev". */
  readonly stack: string;
  /** Prefix of every physical name in the stack, e.g. "shop-dev". */
  readonly resourcePrefix: string;
  /** Exact names of the stack's roles that its resources are given (iam:PassRole), e.g. "shop-dev-api". */
  readonly passRoleNames: readonly string[];
  /** Services those roles are passed to. */
  readonly passRoleServices: readonly string[];
}

/** Services the app stack passes its roles to: Lambda (functions) and CloudTrail (log delivery). */
export const defaultPassRoleServices = ["lambda.amazonaws.com", "cloudtrail.amazonaws.com"];

/**
 * Actions that AWS authorizes only on `Resource: "*"` and that a deploy calls for name-scoped resources
 * (reading a log group back, reading a trail back). The policy pack must list them in `starOnlyActions`
 * for the CI stack.
 */
export const deployStarOnlyActions = ["logs:DescribeLogGroups", "cloudtrail:DescribeTrails"];

/**
 * The statements for `target`; functions may run images from `pipelineRepositoryArn` (what the build
 * stage pushed) or from the stack's own repository.
 */
export function appStackStatements(
  scope: ArnScope,
  target: DeployTarget,
  pipelineRepositoryArn: string,
): Statement[] {
  const { partition, region, accountId } = scope;
  const prefix = target.resourcePrefix;
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:${partition}:${service}:${inRegion}:${accountId}:${resource}`;

  const statements: Statement[] = [
    {
      sid: "Functions",
      effect: "Allow",
      actions: [
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetRuntimeManagementConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:GetPolicy",
        "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionEventInvokeConfig",
        "lambda:GetFunctionEventInvokeConfig",
        "lambda:DeleteFunctionEventInvokeConfig",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
      ],
      resources: [arn("lambda", `function:${prefix}-*`)],
    },
    {
      // Lambda checks that whoever points a function at an image may read that image.
      sid: "ReadFunctionImages",
      effect: "Allow",
      actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      resources: [pipelineRepositoryArn, arn("ecr", `repository/${prefix}-*`)],
    },
    {
      sid: "ImageRepository",
      effect: "Allow",
      actions: [
        "ecr:CreateRepository",
        "ecr:DeleteRepository",
        "ecr:DescribeRepositories",
        "ecr:PutImageTagMutability",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutLifecyclePolicy",
        "ecr:GetLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy",
        "ecr:SetRepositoryPolicy",
        "ecr:GetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:TagResource",
        "ecr:UntagResource",
        "ecr:ListTagsForResource",
      ],
      resources: [arn("ecr", `repository/${prefix}-*`)],
    },
    {
      sid: "Tables",
      effect: "Allow",
      actions: [
        "dynamodb:CreateTable",
        "dynamodb:DeleteTable",
        "dynamodb:DescribeTable",
        "dynamodb:UpdateTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:UpdateTimeToLive",
        "dynamodb:ListTagsOfResource",
        "dynamodb:TagResource",
        "dynamodb:UntagResource",
      ],
      resources: [arn("dynamodb", `table/${prefix}-*`), arn("dynamodb", `table/${prefix}-*/index/*`)],
    },
    {
      sid: "LogGroups",
      effect: "Allow",
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:PutMetricFilter",
        "logs:DeleteMetricFilter",
        "logs:DescribeMetricFilters",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:ListTagsForResource",
      ],
      resources: ["/aws/lambda/", "/aws/cloudtrail/", "/aws/apigateway/"].flatMap((path) => {
        const group = logGroupArn(scope, `${path}${prefix}-*`);
        return [group, `${group}:*`];
      }),
    },
    {
      sid: "Buckets",
      effect: "Allow",
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:PutBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
        "s3:GetBucketOwnershipControls",
        "s3:PutBucketOwnershipControls",
        "s3:GetBucketTagging",
        "s3:PutBucketTagging",
      ],
      resources: [`arn:${partition}:s3:::${prefix}-*`],
    },
    {
      // Only for `forceDelete` stacks: `pulumi destroy` empties a bucket before deleting it.
      sid: "EmptyBucketsOnDestroy",
      effect: "Allow",
      actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      resources: [`arn:${partition}:s3:::${prefix}-*/*`],
    },
    {
      sid: "Secrets",
      effect: "Allow",
      actions: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      resources: [arn("secretsmanager", `secret:${prefix}-*`)],
    },
    {
      sid: "Roles",
      effect: "Allow",
      actions: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
      resources: [`arn:${partition}:iam::${accountId}:role/${prefix}-*`],
    },
    {
      sid: "HttpApis",
      effect: "Allow",
      actions: [
        "apigateway:GET",
        "apigateway:POST",
        "apigateway:PUT",
        "apigateway:PATCH",
        "apigateway:DELETE",
      ],
      resources: [
        `arn:${partition}:apigateway:${region}::/apis`,
        `arn:${partition}:apigateway:${region}::/apis/*`,
        `arn:${partition}:apigateway:${region}::/tags/*`,
      ],
    },
    {
      sid: "Alarms",
      effect: "Allow",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:ListTagsForResource",
      ],
      resources: [arn("cloudwatch", `alarm:${prefix}-*`)],
    },
    {
      sid: "Dashboards",
      effect: "Allow",
      actions: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
      resources: [`arn:${partition}:cloudwatch::${accountId}:dashboard/${prefix}-*`],
    },
    {
      sid: "AlertTopics",
      effect: "Allow",
      actions: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:TagResource",
        "sns:UntagResource",
        "sns:ListTagsForResource",
      ],
      resources: [arn("sns", `${prefix}-*`)],
    },
    {
      sid: "DeadLetterQueues",
      effect: "Allow",
      actions: [
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
      ],
      resources: [arn("sqs", `${prefix}-*`)],
    },
    {
      sid: "EventRules",
      effect: "Allow",
      actions: [
        "events:PutRule",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:ListTargetsByRule",
        "events:TagResource",
        "events:UntagResource",
        "events:ListTagsForResource",
      ],
      resources: [arn("events", `rule/${prefix}-*`)],
    },
    {
      sid: "AuditTrail",
      effect: "Allow",
      actions: [
        "cloudtrail:CreateTrail",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:StartLogging",
        "cloudtrail:StopLogging",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:ListTags",
      ],
      resources: [arn("cloudtrail", `trail/${prefix}-*`)],
    },
    {
      // These have no resource-level permissions: AWS accepts only "*".
      sid: "AccountWideReads",
      effect: "Allow",
      actions: [...deployStarOnlyActions],
      resources: ["*"],
    },
  ];

  if (target.passRoleNames.length > 0) {
    statements.push({
      sid: "PassOwnRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: target.passRoleNames.map((name) => roleArn(scope, name)),
      conditions: [
        { test: "StringEquals", variable: "iam:PassedToService", values: [...target.passRoleServices] },
      ],
    });
  }
  return statements;
}
