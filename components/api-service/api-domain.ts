/**
 * ApiDomain: serves an HTTP API stage under a custom domain: an ACM certificate validated through DNS in
 * the given Route 53 zone, a regional API Gateway domain name (TLS 1.2), the API mapping, and an alias
 * record pointing the domain at it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ApiDomainArgs {
  /** Fully qualified domain name, e.g. "api.shop.example.com". Required. */
  readonly domainName: pulumi.Input<string>;
  /** Route 53 hosted zone that holds the domain. Required. */
  readonly hostedZoneId: pulumi.Input<string>;
  /** HTTP API to serve. Required. */
  readonly apiId: pulumi.Input<string>;
  /** Stage to serve. Required. */
  readonly stageName: pulumi.Input<string>;
}

export class ApiDomain extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: ApiDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:api:ApiDomain", name, {}, opts);

    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      { domainName: args.domainName, validationMethod: "DNS" },
      { parent: this },
    );
    const validation = certificate.domainValidationOptions[0];
    const validationRecord = new aws.route53.Record(
      `${name}-validation`,
      {
        zoneId: args.hostedZoneId,
        name: validation.resourceRecordName,
        type: validation.resourceRecordType,
        records: [validation.resourceRecordValue],
        ttl: 300,
      },
      { parent: this },
    );
    const validated = new aws.acm.CertificateValidation(
      `${name}-certificate-validation`,
      { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
      { parent: this },
    );

    const domain = new aws.apigatewayv2.DomainName(
      name,
      {
        domainName: args.domainName,
        domainNameConfiguration: {
          certificateArn: validated.certificateArn,
          endpointType: "REGIONAL",
          securityPolicy: "TLS_1_2",
        },
      },
      { parent: this },
    );

    new aws.apigatewayv2.ApiMapping(
      `${name}-mapping`,
      { apiId: args.apiId, domainName: domain.id, stage: args.stageName },
      { parent: this },
    );

    new aws.route53.Record(
      `${name}-alias`,
      {
        zoneId: args.hostedZoneId,
        name: args.domainName,
        type: "A",
        aliases: [
          {
            name: domain.domainNameConfiguration.targetDomainName,
            zoneId: domain.domainNameConfiguration.hostedZoneId,
            evaluateTargetHealth: false,
          },
        ],
      },
      { parent: this },
    );

    this.url = pulumi.interpolate`https://${args.domainName}/`;
    this.registerOutputs({ url: this.url });
  }
}
