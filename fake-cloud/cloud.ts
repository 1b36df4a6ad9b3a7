/**
 * A deterministic stand-in for AWS (and the docker-build and random providers): resource registrations
 * get the ids, ARNs and computed attributes the real providers would return, and invokes are answered by
 * token. Identifiers derive from a hash of the resource's type and logical name, so two runs of the same
 * program produce the same state.
 *
 * One cloud, two doors: `pulumi.runtime.setMocks` for the unit tests and the offline preview
 * (scripts/lib/program-under-mocks.ts), and provider plugins for the real Pulumi engine
 * (fake-cloud/provider-plugin.ts). Both answer from this class, so they cannot drift apart.
 *
 * An invoke without an answer here throws: a program that starts calling something new fails loudly
 * under mocks instead of receiving an empty object and building wrong ARNs from it.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { renderPolicyDocument, type PolicyDocumentInputs } from "./policy-document";

export interface MockIdentity {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

export const defaultMockIdentity: MockIdentity = {
  accountId: "123456789012",
  region: "us-east-1",
  partition: "aws",
};

/** Answers one invoke token; return the invoke's result. */
export type InvokeHandler = (
  inputs: Record<string, unknown>,
  identity: MockIdentity,
) => Record<string, unknown>;

type Inputs = Record<string, unknown>;
type State = Record<string, unknown>;

interface ResourceFacts {
  readonly type: string;
  /** Logical (Pulumi) name. */
  readonly name: string;
  /** Physical name: the `name` input when set, else an autoname like Pulumi's. */
  readonly physicalName: string;
  readonly inputs: Inputs;
  readonly hash: (length: number) => string;
}

const hex = (seed: string, length: number): string => {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  return out.slice(0, length);
};

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const alphanumeric = (seed: string, length: number): string =>
  [...Buffer.from(hex(seed, length * 2), "hex")].map((byte) => alphabet[byte % alphabet.length]).join("");

const uuid = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

export class MockCloud {
  private readonly extraInvokes: Readonly<Record<string, InvokeHandler>>;

  constructor(
    readonly identity: MockIdentity = defaultMockIdentity,
    extraInvokes: Readonly<Record<string, InvokeHandler>> = {},
  ) {
    this.extraInvokes = extraInvokes;
  }

  /** `pulumi.runtime.Mocks.newResource`. */
  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Inputs;
    if (!args.custom) return { id: undefined, state: inputs };
    if (args.type.startsWith("pulumi:providers:"))
      return { id: hex(`provider:${args.name}`, 8), state: inputs };
    const seed = `${args.type}::${args.name}`;
    const facts: ResourceFacts = {
      type: args.type,
      name: args.name,
      physicalName: str(inputs.name) ?? `${args.name}-${hex(seed, 7)}`,
      inputs,
      hash: (length) => hex(seed, length),
    };
    const computed = this.computedState(facts);
    const id = typeof computed.id === "string" ? computed.id : facts.physicalName;
    return { id, state: { ...inputs, ...computed, id } };
  }

  /** `pulumi.runtime.Mocks.call`. */
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    try {
      return this.answer(args);
    } catch (error) {
      // The SDK reports an invoke failure from the gRPC-style `details` field, so keep the message there.
      const failure = error instanceof Error ? error : new Error(String(error));
      throw Object.assign(failure, { details: failure.message });
    }
  }

  private answer(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = (args.inputs ?? {}) as Inputs;
    const extra = this.extraInvokes[args.token];
    if (extra) return extra(inputs, this.identity);
    const { accountId, region, partition } = this.identity;
    switch (args.token) {
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return { ...renderPolicyDocument(inputs as PolicyDocumentInputs) };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId,
          arn: `arn:${partition}:sts::${accountId}:assumed-role/deployer/mock-session`,
          userId: "AROAMOCKDEPLOYER:mock-session",
          id: accountId,
        };
      case "aws:index/getRegion:getRegion":
        return {
          name: region,
          region,
          id: region,
          endpoint: `ec2.${region}.amazonaws.com`,
          description: region,
        };
      case "aws:index/getPartition:getPartition":
        return { partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: partition };
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
        const registryId = str(inputs.registryId) ?? accountId;
        const password = `mock-ecr-token-${hex(registryId, 16)}`;
        return {
          registryId,
          userName: "AWS",
          password,
          authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
          proxyEndpoint: `https://${registryId}.dkr.ecr.${region}.amazonaws.com`,
          expiresAt: "2030-01-01T00:00:00Z",
          id: region,
        };
      }
      default:
        throw new Error(
          `fake cloud: nothing answers the invoke ${args.token}; add it to fake-cloud/cloud.ts (or, under mocks, pass it in options.invokes)`,
        );
    }
  }

  private arn(service: string, resource: string, region = this.identity.region): string {
    return `arn:${this.identity.partition}:${service}:${region}:${this.identity.accountId}:${resource}`;
  }

  private computedState(r: ResourceFacts): State {
    const { accountId, region, partition } = this.identity;
    const name = r.physicalName;
    const input = (key: string) => str(r.inputs[key]);
    switch (r.type) {
      case "aws:kms/key:Key": {
        const keyId = uuid(r.hash(32));
        return { id: keyId, keyId, arn: this.arn("kms", `key/${keyId}`) };
      }
      case "aws:kms/alias:Alias":
        return {
          id: name,
          arn: this.arn("kms", name),
          targetKeyArn: this.arn("kms", `key/${input("targetKeyId") ?? ""}`),
        };
      case "aws:ecr/repository:Repository":
        return {
          id: name,
          name,
          arn: this.arn("ecr", `repository/${name}`),
          registryId: accountId,
          repositoryUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`,
        };
      case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
      case "aws:ecr/repositoryPolicy:RepositoryPolicy":
        return { id: input("repository") ?? name, registryId: accountId };
      case "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration":
        return { id: accountId, registryId: accountId };
      case "aws:inspector2/enabler:Enabler": {
        const ids = (r.inputs.accountIds as string[] | undefined) ?? [accountId];
        const types = (r.inputs.resourceTypes as string[] | undefined) ?? [];
        return { id: `${ids.join(":")}-${types.join(":")}` };
      }
      case "aws:dynamodb/table:Table":
        return { id: name, name, arn: this.arn("dynamodb", `table/${name}`) };
      case "aws:iam/role:Role": {
        const path = input("path") ?? "/";
        return {
          id: name,
          name,
          arn: `arn:${partition}:iam::${accountId}:role${path}${name}`,
          uniqueId: `AROA${r.hash(17).toUpperCase()}`,
        };
      }
      case "aws:iam/rolePolicy:RolePolicy":
        return { id: `${input("role") ?? "role"}:${name}`, name };
      case "aws:iam/policy:Policy":
        return {
          id: this.iamArn(`policy/${name}`),
          name,
          arn: this.iamArn(`policy/${name}`),
          policyId: `ANPA${r.hash(17).toUpperCase()}`,
        };
      case "aws:lambda/function:Function": {
        const arn = this.arn("lambda", `function:${name}`);
        return {
          id: name,
          name,
          arn,
          qualifiedArn: `${arn}:$LATEST`,
          version: "$LATEST",
          invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        };
      }
      case "aws:lambda/permission:Permission":
        return { id: input("statementId") ?? name };
      case "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig":
        return { id: input("functionName") ?? name };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { id: name, name, arn: this.arn("logs", `log-group:${name}`) };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return { id: name, name, arn: this.arn("cloudwatch", `alarm:${name}`) };
      case "aws:cloudwatch/dashboard:Dashboard": {
        const dashboardName = input("dashboardName") ?? name;
        return {
          id: dashboardName,
          dashboardArn: `arn:${partition}:cloudwatch::${accountId}:dashboard/${dashboardName}`,
        };
      }
      case "aws:cloudwatch/eventRule:EventRule":
        return { id: name, name, arn: this.arn("events", `rule/${name}`) };
      case "aws:cloudwatch/eventTarget:EventTarget":
        return {
          id: `${input("rule") ?? "rule"}-${input("targetId") ?? r.hash(8)}`,
          targetId: input("targetId") ?? r.hash(8),
        };
      case "aws:cloudtrail/trail:Trail":
        return { id: name, name, arn: this.arn("cloudtrail", `trail/${name}`), homeRegion: region };
      case "aws:s3/bucket:Bucket": {
        const bucket = input("bucket") ?? `${r.name}-${r.hash(7)}`.toLowerCase();
        return {
          id: bucket,
          bucket,
          arn: `arn:${partition}:s3:::${bucket}`,
          region,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        };
      }
      case "aws:sns/topic:Topic":
        return { id: this.arn("sns", name), name, arn: this.arn("sns", name), owner: accountId };
      case "aws:sns/topicSubscription:TopicSubscription": {
        const arn = `${input("topic") ?? this.arn("sns", "topic")}:${uuid(r.hash(32))}`;
        return { id: arn, arn, ownerId: accountId };
      }
      case "aws:sns/topicPolicy:TopicPolicy":
        return { id: input("arn") ?? name, owner: accountId };
      case "aws:sqs/queue:Queue":
        return {
          id: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
          name,
          arn: this.arn("sqs", name),
          url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
        };
      case "aws:sqs/queuePolicy:QueuePolicy":
        return { id: input("queueUrl") ?? name };
      case "aws:secretsmanager/secret:Secret": {
        const secretName = input("name") ?? `${input("namePrefix") ?? `${r.name}-`}${r.hash(7)}`;
        const arn = this.arn("secretsmanager", `secret:${secretName}-${alphanumeric(r.name, 6)}`);
        return { id: arn, arn, name: secretName };
      }
      case "aws:secretsmanager/secretVersion:SecretVersion": {
        const versionId = uuid(r.hash(32));
        return {
          id: `${input("secretId") ?? ""}|${versionId}`,
          arn: input("secretId"),
          versionId,
          versionStages: ["AWSCURRENT"],
        };
      }
      case "aws:secretsmanager/secretRotation:SecretRotation":
        // The provider's id is the secret's ARN, and it reads rotation back as enabled.
        return { id: input("secretId") ?? name, rotationEnabled: true };
      case "aws:apigatewayv2/api:Api": {
        const apiId = alphanumeric(r.name, 10).toLowerCase();
        return {
          id: apiId,
          apiEndpoint: `https://${apiId}.execute-api.${region}.amazonaws.com`,
          executionArn: this.arn("execute-api", apiId),
          arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}`,
        };
      }
      case "aws:apigatewayv2/stage:Stage": {
        const apiId = input("apiId") ?? "api";
        const stageName = input("name") ?? "$default";
        return {
          id: stageName,
          invokeUrl: `https://${apiId}.execute-api.${region}.amazonaws.com/${stageName === "$default" ? "" : stageName}`,
          executionArn: this.arn("execute-api", `${apiId}/${stageName}`),
          arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}/stages/${stageName}`,
        };
      }
      case "aws:apigatewayv2/domainName:DomainName": {
        const domainName = input("domainName") ?? name;
        const configuration = ((r.inputs.domainNameConfiguration ?? {}) as Inputs) || {};
        return {
          id: domainName,
          arn: `arn:${partition}:apigateway:${region}::/domainnames/${domainName}`,
          apiMappingSelectionExpression: "$request.basepath",
          domainNameConfiguration: {
            ...configuration,
            targetDomainName: `d-${r.hash(10)}.execute-api.${region}.amazonaws.com`,
            hostedZoneId: "Z1UJRXOUMOOFQ8",
          },
        };
      }
      case "aws:acm/certificate:Certificate": {
        const domainName = input("domainName") ?? name;
        return {
          id: this.arn("acm", `certificate/${uuid(r.hash(32))}`),
          arn: this.arn("acm", `certificate/${uuid(r.hash(32))}`),
          status: "ISSUED",
          domainValidationOptions: [
            {
              domainName,
              resourceRecordName: `_${r.hash(32)}.${domainName}.`,
              resourceRecordType: "CNAME",
              resourceRecordValue: `_${hex(`${r.name}:value`, 32)}.acm-validations.aws.`,
            },
          ],
        };
      }
      case "aws:route53/record:Record":
        return {
          id: `${input("zoneId") ?? "zone"}_${input("name") ?? name}_${input("type") ?? "A"}`,
          fqdn: input("name") ?? name,
        };
      case "docker-build:index:Image": {
        const tags = (r.inputs.tags as string[] | undefined) ?? [];
        const digest = `sha256:${hex(JSON.stringify([tags, r.inputs.context, r.inputs.platforms, r.inputs.buildArgs]), 64)}`;
        const repository = tags[0]?.replace(/:[^:/]+$/, "") ?? r.name;
        return { id: digest, digest, ref: `${tags[0] ?? repository}@${digest}`, contextHash: r.hash(64) };
      }
      case "random:index/randomPassword:RandomPassword": {
        const length = typeof r.inputs.length === "number" ? r.inputs.length : 16;
        return {
          id: "none",
          result: alphanumeric(`${r.name}:password`, length),
          bcryptHash: `$2a$10$${r.hash(53)}`,
        };
      }
      default:
        return this.genericState(r);
    }
  }

  private iamArn(resource: string): string {
    return `arn:${this.identity.partition}:iam::${this.identity.accountId}:${resource}`;
  }

  /** Any other AWS resource: its physical name as id and an ARN of the usual shape for its service. */
  private genericState(r: ResourceFacts): State {
    const [pkg, module] = r.type.split(":");
    if (pkg !== "aws") return { id: r.physicalName };
    const service = module.split("/")[0];
    return {
      id: r.physicalName,
      arn: this.arn(service, `${r.type.split(":")[2].toLowerCase()}/${r.physicalName}`),
    };
  }
}
