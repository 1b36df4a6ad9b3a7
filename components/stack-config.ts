/**
 * The stack's settings, read once from Pulumi config and checked before any resource is declared.
 *
 * Every key, its type, description and default live in the `config:` schema of `Pulumi.yaml` (the CLI
 * applies those defaults, and so does `scripts/lib/program-under-mocks.ts`); this module only reads the
 * values and rejects combinations the schema cannot express, naming every problem at once. Environments
 * differ only through these values: no component ever asks which stack it runs in.
 */
import * as pulumi from "@pulumi/pulumi";
import { authLimitProblems, authLimitSettings, type AuthLimits } from "../app/services/auth-limits";
import { declaredSettings, parseInteger, undeclaredSettingProblems } from "./stack-config-schema";

export const projectName = "shop-infra";

/** Which program the stack runs: the shop itself, or the delivery pipeline that deploys it (issue 5). */
export type StackKind = "app" | "ci";

export type LambdaArchitecture = "x86_64" | "arm64";

/** Retention periods CloudWatch Logs accepts; anything else fails at deploy time, so fail at preview. */
export const cloudWatchRetentionDays: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export interface FunctionSettings {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
}

/** The delivery pipeline's settings (stackKind "ci"). */
export interface CiSettings {
  readonly connectionArn: string;
  readonly repository: string;
  readonly branch: string;
  readonly stateBucket: string;
  readonly stateKeyArn: string;
  readonly passRoleSuffixes: readonly string[];
  readonly lambdaBaseDigest: string;
}

export interface StackSettings {
  readonly project: string;
  readonly stack: string;
  readonly stackKind: StackKind;
  /** First part of every physical name, e.g. "shop". */
  readonly namePrefix: string;
  /** `<namePrefix>-<stack>`: the prefix of every physical name, so stacks can share an account. */
  readonly resourcePrefix: string;
  readonly region: string;
  readonly owner: string;
  readonly logRetentionDays: number;
  readonly forceDelete: boolean;
  readonly deletionProtection: boolean;
  readonly kmsDeletionWindowDays: number;
  readonly secretRecoveryWindowDays: number;
  /** Days between automatic rotations of the JWT signing key. */
  readonly jwtRotationDays: number;
  readonly architecture: LambdaArchitecture;
  readonly imageTag?: string;
  /** A prebuilt image to run, by digest; when set, the stack builds no image. */
  readonly imageUri?: string;
  readonly lambdaBaseDigest?: string;
  readonly untaggedImageExpiryDays: number;
  readonly releaseImagesToKeep: number;
  readonly manageRegistryScanning: boolean;
  readonly api: FunctionSettings & {
    readonly throttlingRateLimit: number;
    readonly throttlingBurstLimit: number;
    /** Stage throttle of POST /auth/login and /auth/register. */
    readonly authThrottling: { readonly rateLimit: number; readonly burstLimit: number };
    /** The app's login and registration limits (app/services/auth-limits.ts). */
    readonly authLimits: AuthLimits;
    readonly corsOrigins: readonly string[];
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly domain?: { readonly domainName: string; readonly hostedZoneId: string };
  };
  readonly report: FunctionSettings & {
    readonly scheduleExpression: string;
    readonly expirationDays: number;
  };
  readonly logLevel: string;
  readonly tablesCustomerManagedKey: boolean;
  readonly alarmEmail?: string;
  readonly auditLogRetentionDays: number;
  readonly auditBucketExpirationDays: number;
  /** Present on the ci stack only. */
  readonly ci?: CiSettings;
}

const logLevels = ["DEBUG", "INFO", "WARN", "ERROR"];
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;
const imageByDigestPattern = /^[^\s@]+@sha256:[0-9a-f]{64}$/;
const repositoryPattern = /^[\w.-]+\/[\w.-]+$/;

/** Reads and validates the current stack's config. Throws one error listing every problem. */
export function readStackSettings(): StackSettings {
  const config = new pulumi.Config(projectName);
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  problems.push(...undeclaredSettingProblems(projectName, declaredSettings()));
  /** An integer setting; NaN (and one problem) when the value is not a whole number. */
  const integer = (key: string) => {
    const text = config.require(key);
    const value = parseInteger(text);
    check(value !== undefined, `${projectName}:${key} must be a whole number, got "${text}"`);
    return value ?? Number.NaN;
  };

  const stack = pulumi.getStack();
  const stackKind = config.require("stackKind");
  check(
    stackKind === "app" || stackKind === "ci",
    `${projectName}:stackKind must be "app" or "ci", got "${stackKind}"`,
  );

  const region = new pulumi.Config("aws").get("region") ?? "";
  check(region !== "", "aws:region must be set in the stack file");

  const retention = (key: string) => {
    const days = integer(key);
    check(
      cloudWatchRetentionDays.includes(days),
      `${projectName}:${key} must be one of ${cloudWatchRetentionDays.join(", ")}`,
    );
    return days;
  };
  const positive = (key: string, max = Number.MAX_SAFE_INTEGER) => {
    const value = integer(key);
    check(
      Number.isInteger(value) && value >= 1 && value <= max,
      `${projectName}:${key} must be an integer in 1..${max}`,
    );
    return value;
  };
  const optional = (key: string) => {
    const value = config.require(key).trim();
    return value === "" ? undefined : value;
  };

  const architecture = config.require("architecture");
  check(
    architecture === "x86_64" || architecture === "arm64",
    `${projectName}:architecture must be "x86_64" or "arm64"`,
  );

  const authLimits = Object.fromEntries(
    Object.entries(authLimitSettings).map(([limit, setting]) => {
      const value = integer(setting.configKey);
      check(
        Number.isInteger(value) && value >= setting.min && value <= setting.max,
        `${projectName}:${setting.configKey} must be an integer in ${setting.min}..${setting.max}`,
      );
      return [limit, value];
    }),
  ) as Record<keyof AuthLimits, number>;
  for (const problem of authLimitProblems(authLimits, (setting) => `${projectName}:${setting.configKey}`))
    problems.push(problem);
  const corsOrigins = config.requireObject<string[]>("corsOrigins");
  check(
    Array.isArray(corsOrigins) &&
      corsOrigins.every((o) => typeof o === "string" && /^https?:\/\/[^*\s/]+$/.test(o)),
    `${projectName}:corsOrigins must list exact origins such as "https://shop.example.com" (no "*", no path)`,
  );

  const logLevel = config.require("logLevel");
  check(logLevels.includes(logLevel), `${projectName}:logLevel must be one of ${logLevels.join(", ")}`);

  const alarmEmail = optional("alarmEmail");
  check(
    alarmEmail === undefined || emailPattern.test(alarmEmail),
    `${projectName}:alarmEmail is not an email address`,
  );
  check(
    !config.requireBoolean("alarmEmailRequired") || alarmEmail !== undefined,
    `${projectName}:alarmEmail is required on this stack (alarmEmailRequired is true)`,
  );

  const lambdaBaseDigest = optional("lambdaBaseDigest");
  check(
    lambdaBaseDigest === undefined || digestPattern.test(lambdaBaseDigest),
    `${projectName}:lambdaBaseDigest must look like sha256:<64 hex>`,
  );

  const imageUri = optional("imageUri");
  check(
    imageUri === undefined || imageByDigestPattern.test(imageUri),
    `${projectName}:imageUri must name an image by digest (<repository>@sha256:<64 hex>)`,
  );

  const ci = stackKind === "ci" ? readCiSettings(config, check, lambdaBaseDigest) : undefined;

  const domainName = optional("apiDomainName");
  const hostedZoneId = optional("apiHostedZoneId");
  check(
    (domainName === undefined) === (hostedZoneId === undefined),
    `${projectName}:apiDomainName and ${projectName}:apiHostedZoneId are set together or not at all`,
  );

  const kmsDeletionWindowDays = integer("kmsDeletionWindowDays");
  check(
    Number.isInteger(kmsDeletionWindowDays) && kmsDeletionWindowDays >= 7 && kmsDeletionWindowDays <= 30,
    `${projectName}:kmsDeletionWindowDays must be an integer in 7..30`,
  );
  const secretRecoveryWindowDays = integer("secretRecoveryWindowDays");
  check(
    secretRecoveryWindowDays === 0 || (secretRecoveryWindowDays >= 7 && secretRecoveryWindowDays <= 30),
    `${projectName}:secretRecoveryWindowDays must be 0 (delete at once) or in 7..30`,
  );

  const settings: StackSettings = {
    project: pulumi.getProject(),
    stack,
    stackKind: stackKind as StackKind,
    namePrefix: config.require("namePrefix"),
    resourcePrefix: `${config.require("namePrefix")}-${stack}`,
    region,
    owner: config.require("owner"),
    logRetentionDays: retention("logRetentionDays"),
    forceDelete: config.requireBoolean("forceDelete"),
    deletionProtection: config.requireBoolean("deletionProtection"),
    kmsDeletionWindowDays,
    secretRecoveryWindowDays,
    jwtRotationDays: positive("jwtRotationDays", 365),
    architecture: architecture as LambdaArchitecture,
    imageTag: optional("imageTag"),
    imageUri,
    lambdaBaseDigest,
    untaggedImageExpiryDays: positive("untaggedImageExpiryDays"),
    releaseImagesToKeep: positive("releaseImagesToKeep"),
    manageRegistryScanning: config.requireBoolean("manageRegistryScanning"),
    api: {
      memoryMb: positive("apiMemoryMb", 10240),
      timeoutSeconds: positive("apiTimeoutSeconds", 29),
      reservedConcurrency: positive("apiReservedConcurrency"),
      throttlingRateLimit: positive("apiThrottlingRateLimit"),
      throttlingBurstLimit: positive("apiThrottlingBurstLimit"),
      authThrottling: {
        rateLimit: positive("authThrottlingRateLimit"),
        burstLimit: positive("authThrottlingBurstLimit"),
      },
      authLimits,
      corsOrigins,
      jwtIssuer: config.require("jwtIssuer"),
      jwtAudience: config.require("jwtAudience"),
      domain: domainName && hostedZoneId ? { domainName, hostedZoneId } : undefined,
    },
    report: {
      memoryMb: positive("reportMemoryMb", 10240),
      timeoutSeconds: positive("reportTimeoutSeconds", 900),
      reservedConcurrency: positive("reportReservedConcurrency"),
      scheduleExpression: config.require("reportSchedule"),
      expirationDays: positive("reportExpirationDays"),
    },
    logLevel,
    tablesCustomerManagedKey: config.requireBoolean("tablesCustomerManagedKey"),
    alarmEmail,
    auditLogRetentionDays: retention("auditLogRetentionDays"),
    auditBucketExpirationDays: positive("auditBucketExpirationDays"),
    ci,
  };
  if (problems.length > 0) {
    // A RunError: the CLI shows the message alone, the problems being the stack file's, not a stack trace's.
    const error = new pulumi.RunError(
      `Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    // And no stack at all. The SDK still formats the whole error for its trace span (util.inspect, in
    // colour), and Node 22 loops there until the string overflows on a frame that ends in a scoped package
    // with no path after it (nodejs/node#64011), which @pulumi/pulumi's source maps give its own frames
    // ("node_modules/@pulumi/resource.ts"): a typo in a stack file took 30 s and 3 GB of heap to report.
    error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
  return settings;
}

function readCiSettings(
  config: pulumi.Config,
  check: (ok: boolean, problem: string) => void,
  lambdaBaseDigest: string | undefined,
): CiSettings {
  check(
    lambdaBaseDigest !== undefined,
    `${projectName}:lambdaBaseDigest is required on the ci stack (its build pins the base image)`,
  );
  const required = (key: string) => {
    const value = config.require(key).trim();
    check(value !== "", `${projectName}:${key} is required on the ci stack`);
    return value;
  };
  const repository = required("ciRepository");
  check(
    repository === "" || repositoryPattern.test(repository),
    `${projectName}:ciRepository must be "<owner>/<name>"`,
  );
  const passRoleSuffixes = config.requireObject<string[]>("ciPassRoleSuffixes");
  check(
    Array.isArray(passRoleSuffixes) &&
      passRoleSuffixes.every((s) => typeof s === "string" && /^[a-z0-9-]+$/.test(s)),
    `${projectName}:ciPassRoleSuffixes must list role name suffixes such as "api"`,
  );
  return {
    connectionArn: required("ciConnectionArn"),
    repository,
    branch: required("ciBranch"),
    stateBucket: required("ciStateBucket"),
    stateKeyArn: required("ciStateKeyArn"),
    passRoleSuffixes,
    lambdaBaseDigest: lambdaBaseDigest ?? "",
  };
}
