import { arn, P, resource, type ResourceCase } from "./case";

const permission = (name: string, properties: Record<string, unknown>) =>
  resource("aws:lambda/permission:Permission", name, {
    action: "lambda:InvokeFunction",
    function: "shop-api",
    ...properties,
  });
/** A function that passes every other policy, with the given environment variables. */
const fn = (name: string, variables: Record<string, string>) =>
  resource("aws:lambda/function:Function", name, {
    packageType: "Image",
    imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-app@sha256:0123",
    role: arn.role("shop-api"),
    tracingConfig: { mode: "Active" },
    reservedConcurrentExecutions: 10,
    environment: { variables },
  });
const project = (name: string, environmentVariables: Record<string, unknown>[]) =>
  resource("aws:codebuild/project:Project", name, {
    serviceRole: arn.role("shop-build"),
    artifacts: { type: "NO_ARTIFACTS" },
    source: { type: "CODEPIPELINE" },
    environment: {
      computeType: "BUILD_GENERAL1_SMALL",
      image: "aws/codebuild/standard:7.0",
      type: "LINUX_CONTAINER",
      environmentVariables,
    },
  });

/** Lambda permissions and environments, CodeBuild environments. */
export const computeCases: ResourceCase[] = [
  {
    title: 'Lambda permission for principal "*"',
    resource: permission("public-invoke", { principal: "*" }),
    blockedBy: [P.lambdaPublic],
  },
  {
    title: "public function URL permission",
    resource: permission("public-url", {
      action: "lambda:InvokeFunctionUrl",
      principal: "*",
      functionUrlAuthType: "NONE",
    }),
    blockedBy: [P.lambdaPublic],
  },
  {
    title: "API Gateway permission without sourceArn",
    resource: permission("api-any", { principal: "apigateway.amazonaws.com" }),
    blockedBy: [P.lambdaSource],
  },
  {
    title: 'EventBridge permission with sourceArn "*"',
    resource: permission("events-any", { principal: "events.amazonaws.com", sourceArn: "*" }),
    blockedBy: [P.lambdaSource],
  },
  {
    title: "upper-case S3 service principal without a source",
    resource: permission("s3-any", { principal: "S3.AMAZONAWS.COM" }),
    blockedBy: [P.lambdaSource],
  },
  {
    title: "SNS permission with an empty sourceArn",
    resource: permission("sns-empty", { principal: "sns.amazonaws.com", sourceArn: "" }),
    blockedBy: [P.lambdaSource],
  },
  {
    title: "AWS access key id in an innocently named variable",
    resource: fn("access-key", { STORAGE_ID: "AKIAIOSFODNN7EXAMPLE" }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "literal JWT_SECRET",
    resource: fn("jwt-literal", { JWT_SECRET: "s3cr3t-signing-key" }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "camelCase dbPassword",
    resource: fn("camel-password", { dbPassword: "hunter2hunter2" }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "STRIPE_API_KEY",
    resource: fn("api-key", { STRIPE_API_KEY: "sk_live_51H8" }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "PEM private key in TLS_BUNDLE",
    resource: fn("private-key", {
      TLS_BUNDLE: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "lower-case github-token",
    resource: fn("dash-token", { "github-token": "ghp_0123456789abcdef" }),
    blockedBy: [P.lambdaSecrets],
  },
  {
    title: "CodeBuild PLAINTEXT GITHUB_TOKEN",
    resource: project("plaintext-token", [
      { name: "GITHUB_TOKEN", value: "ghp_0123456789abcdef", type: "PLAINTEXT" },
    ]),
    blockedBy: [P.codeBuildCredentials],
  },
  {
    title: "CodeBuild variable without a type (PLAINTEXT) holding an access key id",
    resource: project("untyped-key", [{ name: "DEPLOY_USER", value: "AKIAIOSFODNN7EXAMPLE" }]),
    blockedBy: [P.codeBuildCredentials],
  },
  {
    title: 'CodeBuild NPM_TOKEN with a lower-case "plaintext" type',
    resource: project("lower-plaintext", [{ name: "NPM_TOKEN", value: "npm_abcdef", type: "plaintext" }]),
    blockedBy: [P.codeBuildCredentials],
  },

  {
    title: "API Gateway permission scoped to the API's execution ARN",
    resource: permission("api-scoped", {
      principal: "apigateway.amazonaws.com",
      sourceArn: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/*",
    }),
  },
  {
    title: "EventBridge permission scoped by sourceAccount",
    resource: permission("events-account", {
      principal: "events.amazonaws.com",
      sourceAccount: "123456789012",
    }),
  },
  {
    title: "permission for another account (not a service, not public)",
    resource: permission("partner-account", { principal: "210987654321" }),
  },
  {
    title: "function environment with references and settings named after secrets",
    resource: fn("api", {
      JWT_SECRET_ARN: arn.secret("shop-jwt"),
      REFRESH_TOKENS_TABLE: "shop-refresh-tokens",
      TOKEN_TTL_SECONDS: "900",
      PASSWORD_MIN_LENGTH: "10",
      DB_PASSWORD: "{{resolve:secretsmanager:shop-db:SecretString:password}}",
      NODE_OPTIONS: "--enable-source-maps",
    }),
  },
  {
    title: "CodeBuild credentials through SECRETS_MANAGER and PARAMETER_STORE",
    resource: project("build", [
      { name: "GITHUB_TOKEN", value: "shop/github:token", type: "SECRETS_MANAGER" },
      { name: "NPM_TOKEN", value: "/shop/npm-token", type: "PARAMETER_STORE" },
      { name: "NODE_ENV", value: "production", type: "PLAINTEXT" },
    ]),
  },
];
