/**
 * PipelineNotifications: tells the team how each run of the delivery pipeline ended, where the app stacks'
 * alarms already go (an AlertTopic: SNS, KMS-encrypted, email). An EventBridge rule on the pipeline's own
 * execution state changes (failed, succeeded, stopped, superseded) publishes a one-line message to the
 * topic, which admits exactly this rule as a publisher.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PipelineNotificationsArgs {
  /** The pipeline whose runs are reported. Required. */
  readonly pipelineName: pulumi.Input<string>;
  /** Topic to publish to; it must admit `ruleName` as a publisher (AlertTopic's eventRuleNames). Required. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Name of the EventBridge rule (the topic's policy names it). Default: `<name>-runs`. */
  readonly ruleName?: string;
}

/** The end states of a pipeline execution that someone should hear about. */
export const reportedPipelineStates = ["FAILED", "SUCCEEDED", "STOPPED", "SUPERSEDED"] as const;

export class PipelineNotifications extends pulumi.ComponentResource {
  public readonly ruleArn: pulumi.Output<string>;

  constructor(name: string, args: PipelineNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:ci:PipelineNotifications", name, {}, opts);

    const rule = new aws.cloudwatch.EventRule(
      `${name}-runs`,
      {
        name: args.ruleName ?? `${name}-runs`,
        description: "How each run of the delivery pipeline ended",
        eventPattern: pulumi.jsonStringify({
          source: ["aws.codepipeline"],
          "detail-type": ["CodePipeline Pipeline Execution State Change"],
          detail: { pipeline: [args.pipelineName], state: [...reportedPipelineStates] },
        }),
      },
      { parent: this },
    );

    new aws.cloudwatch.EventTarget(
      `${name}-runs-to-alerts`,
      {
        rule: rule.name,
        arn: args.alertTopicArn,
        inputTransformer: {
          inputPaths: {
            pipeline: "$.detail.pipeline",
            state: "$.detail.state",
            execution: "$.detail.execution-id",
          },
          inputTemplate: '"Pipeline <pipeline> run <execution>: <state>"',
        },
      },
      { parent: this },
    );

    this.ruleArn = rule.arn;
    this.registerOutputs({ ruleArn: this.ruleArn });
  }
}
