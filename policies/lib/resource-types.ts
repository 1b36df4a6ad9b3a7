/**
 * Pulumi type tokens of the AWS resources the pack inspects (as sent by the engine in `Analyze`).
 *
 * The pack compares tokens instead of importing `@pulumi/aws`: the CLI type-checks the pack with ts-node on
 * every start, and pulling in the provider's typings costs about seven seconds per preview.
 */
export const awsTypes = {
  apiGatewayV2Api: "aws:apigatewayv2/api:Api",
  apiGatewayV2Stage: "aws:apigatewayv2/stage:Stage",
  cloudTrail: "aws:cloudtrail/trail:Trail",
  cloudWatchEventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  cloudWatchEventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  cloudWatchLogGroup: "aws:cloudwatch/logGroup:LogGroup",
  cloudWatchLogResourcePolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  codeBuildProject: "aws:codebuild/project:Project",
  dynamoDbTable: "aws:dynamodb/table:Table",
  ecrLifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  ecrPublicRepositoryPolicy: "aws:ecrpublic/repositoryPolicy:RepositoryPolicy",
  ecrRegistryPolicy: "aws:ecr/registryPolicy:RegistryPolicy",
  ecrRepository: "aws:ecr/repository:Repository",
  ecrRepositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  iamPolicy: "aws:iam/policy:Policy",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  inspector2Enabler: "aws:inspector2/enabler:Enabler",
  kmsKey: "aws:kms/key:Key",
  kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  lambdaFunction: "aws:lambda/function:Function",
  lambdaFunctionEventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  lambdaPermission: "aws:lambda/permission:Permission",
  s3AccountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  s3Bucket: "aws:s3/bucket:Bucket",
  s3BucketAcl: "aws:s3/bucketAcl:BucketAcl",
  /** Deprecated alias of BucketAcl in @pulumi/aws 7; still accepted, so still checked. */
  s3BucketAclV2: "aws:s3/bucketAclV2:BucketAclV2",
  s3BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  s3BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  /** Deprecated alias of Bucket in @pulumi/aws 7; still accepted, so still checked. */
  s3BucketV2: "aws:s3/bucketV2:BucketV2",
  s3BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
  s3BucketLogging: "aws:s3/bucketLogging:BucketLogging",
  s3BucketLoggingV2: "aws:s3/bucketLoggingV2:BucketLoggingV2",
  s3BucketEncryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  s3BucketEncryptionV2:
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  s3BucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  secretsManagerSecret: "aws:secretsmanager/secret:Secret",
  secretsManagerSecretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  secretsManagerSecretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
  snsTopic: "aws:sns/topic:Topic",
  snsTopicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  snsTopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  sqsQueue: "aws:sqs/queue:Queue",
  sqsQueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
} as const;

/** Both spellings of an S3 bucket: the current resource and its deprecated V2 alias. */
export const s3BucketTypes = [awsTypes.s3Bucket, awsTypes.s3BucketV2] as const;
