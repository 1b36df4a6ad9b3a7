/**
 * The account, region and partition a component deploys into, read through the component's own provider
 * (invokes inherit the provider of their `parent`), so ARNs built from them match the resources created.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AwsContext {
  readonly accountId: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource): AwsContext {
  const opts = { parent };
  return {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    region: aws.getRegionOutput({}, opts).region,
    partition: aws.getPartitionOutput({}, opts).partition,
  };
}
