import assert from "node:assert/strict";
import { PipelineNotifications, reportedPipelineStates } from "../../components/ci-pipeline";
import { defaultTestConfig, only, runUnderMocks } from "./support/run-queries";

const topicArn = "arn:aws:sns:us-east-1:123456789012:pipeline-alerts";

describe("PipelineNotifications", () => {
  let run: Awaited<ReturnType<typeof runUnderMocks>>;
  before(async () => {
    run = await runUnderMocks(
      () => {
        new PipelineNotifications("ci", {
          pipelineName: "shop-ci",
          alertTopicArn: topicArn,
          ruleName: "ci-runs",
        });
      },
      { stack: "test", config: defaultTestConfig },
    );
  });

  it("matches how this pipeline's runs end, and nothing of other pipelines", () => {
    const rule = only(run, "aws:cloudwatch/eventRule:EventRule");
    assert.equal(rule.inputs.name, "ci-runs");
    assert.deepEqual(JSON.parse(rule.inputs.eventPattern as string), {
      source: ["aws.codepipeline"],
      "detail-type": ["CodePipeline Pipeline Execution State Change"],
      detail: { pipeline: ["shop-ci"], state: [...reportedPipelineStates] },
    });
    assert.ok(reportedPipelineStates.includes("FAILED"));
  });

  it("publishes one readable line per run to the topic", () => {
    const target = only(run, "aws:cloudwatch/eventTarget:EventTarget");
    assert.equal(target.inputs.arn, topicArn);
    const transformer = target.inputs.inputTransformer as {
      inputTemplate: string;
      inputPaths: Record<string, string>;
    };
    assert.equal(transformer.inputTemplate, '"Pipeline <pipeline> run <execution>: <state>"');
    assert.deepEqual(Object.keys(transformer.inputPaths).sort(), ["execution", "pipeline", "state"]);
  });
});
