import assert from "node:assert/strict";
import { sourceRefusalReasons } from "../../app/services/auth-limits";
import { AlertTopic, Monitoring } from "../../components/monitoring";
import {
  defaultTestConfig,
  ofType,
  only,
  runUnderMocks,
  statement,
  statementsOf,
} from "./support/run-queries";

const options = { stack: "test", config: defaultTestConfig };
const topicArn = "arn:aws:sns:us-east-1:123456789012:alerts";

describe("AlertTopic", () => {
  it("encrypts the topic with its own key and admits only this account's alarms and the named rules", async () => {
    const run = await runUnderMocks(() => {
      new AlertTopic("alerts", { email: "ops@example.com", eventRuleNames: ["inspector-findings"] });
    }, options);

    const topic = only(run, "aws:sns/topic:Topic");
    const key = only(run, "aws:kms/key:Key");
    assert.equal(topic.inputs.kmsMasterKeyId, key.outputs.arn);
    const arn = topic.outputs.arn as string;

    const statements = statementsOf(only(run, "aws:sns/topicPolicy:TopicPolicy"));
    assert.deepEqual(statement(statements, "CloudWatchAlarmsOfThisAccount"), {
      Sid: "CloudWatchAlarmsOfThisAccount",
      Effect: "Allow",
      Action: "sns:Publish",
      Resource: arn,
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Condition: {
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" },
        StringEquals: { "aws:SourceAccount": "123456789012" },
      },
    });
    assert.deepEqual(statement(statements, "NamedEventBridgeRules").Condition, {
      ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/inspector-findings" },
    });
    assert.equal(statement(statements, "DenyInsecureTransport").Effect, "Deny");
    assert.equal(statements.length, 3);

    const keyStatements = statementsOf(key);
    assert.deepEqual(statement(keyStatements, "CloudWatchAlarmsPublish").Action, [
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]);
    assert.deepEqual(statement(keyStatements, "EventBridgeRulesPublish").Principal, {
      Service: "events.amazonaws.com",
    });

    const subscription = only(run, "aws:sns/topicSubscription:TopicSubscription");
    assert.deepEqual(
      [subscription.inputs.protocol, subscription.inputs.endpoint, subscription.inputs.topic],
      ["email", "ops@example.com", arn],
    );
  });

  it("subscribes nobody and admits no EventBridge rule unless configured", async () => {
    const run = await runUnderMocks(() => {
      new AlertTopic("alerts", {});
    }, options);
    assert.equal(ofType(run, "aws:sns/topicSubscription:TopicSubscription").length, 0);
    const sids = statementsOf(only(run, "aws:sns/topicPolicy:TopicPolicy")).map((s) => s.Sid);
    assert.deepEqual(sids, ["CloudWatchAlarmsOfThisAccount", "DenyInsecureTransport"]);
    assert.deepEqual(
      statementsOf(only(run, "aws:kms/key:Key")).map((s) => s.Sid),
      ["AccountAdministration", "CloudWatchAlarmsPublish"],
    );
  });
});

describe("Monitoring", () => {
  const monitored = () =>
    new Monitoring("mon", {
      alertTopicArn: topicArn,
      functions: [
        { label: "api", functionName: "shop-test-api", timeoutSeconds: 10 },
        { label: "report", functionName: "shop-test-report", timeoutSeconds: 300 },
      ],
      api: { apiId: "abc123", stage: "$default" },
      tables: [{ label: "orders", tableName: "shop-test-orders" }],
    });

  it("alarms on function errors, throttles and duration near the timeout, API 5xx rate and p99 latency, and table throttling and system errors", async () => {
    const run = await runUnderMocks(() => {
      const monitoring = monitored();
      return { dashboardUrl: monitoring.dashboardUrl };
    }, options);

    const alarms = new Map(
      ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.inputs.name as string, a.inputs]),
    );
    assert.deepEqual([...alarms.keys()].sort(), [
      "mon-api-5xx-rate",
      "mon-api-duration",
      "mon-api-errors",
      "mon-api-latency-p99",
      "mon-api-throttles",
      "mon-orders-system-errors",
      "mon-orders-throttles",
      "mon-report-duration",
      "mon-report-errors",
      "mon-report-throttles",
    ]);
    for (const [name, alarm] of alarms) {
      assert.deepEqual(alarm.alarmActions, [topicArn], `${name} notifies the topic`);
      assert.deepEqual(alarm.okActions, [topicArn], `${name} notifies recovery`);
    }

    assert.deepEqual(
      [
        alarms.get("mon-api-errors")!.metricName,
        alarms.get("mon-api-errors")!.dimensions,
        alarms.get("mon-api-errors")!.threshold,
      ],
      ["Errors", { FunctionName: "shop-test-api" }, 1],
    );
    assert.equal(alarms.get("mon-api-duration")!.threshold, 8000);
    assert.equal(alarms.get("mon-report-duration")!.threshold, 240000);
    assert.equal(alarms.get("mon-api-duration")!.extendedStatistic, "p99");

    const rate = alarms.get("mon-api-5xx-rate")!.metricQueries as {
      id: string;
      expression?: string;
      metric?: { metricName: string; dimensions: unknown };
    }[];
    assert.deepEqual(
      rate.map((q) => q.metric?.metricName ?? q.expression),
      ["5xx", "Count", "IF(requests > 0, 100 * errors / requests, 0)"],
    );
    assert.deepEqual(rate[0].metric!.dimensions, { ApiId: "abc123", Stage: "$default" });
    assert.equal(alarms.get("mon-api-latency-p99")!.threshold, 2000);

    const systemErrors = alarms.get("mon-orders-system-errors")!.metricQueries as {
      metric?: { dimensions: { TableName: string; Operation: string } };
    }[];
    assert.ok(
      systemErrors
        .filter((q) => q.metric)
        .every((q) => q.metric!.dimensions.TableName === "shop-test-orders"),
    );
    assert.ok(systemErrors.some((q) => q.metric?.dimensions.Operation === "TransactWriteItems"));

    const dashboard = only(run, "aws:cloudwatch/dashboard:Dashboard");
    const body = JSON.parse(dashboard.inputs.dashboardBody as string) as {
      widgets: { properties: { region: string; metrics: unknown[] } }[];
    };
    const metrics = JSON.stringify(body.widgets.map((w) => w.properties.metrics));
    for (const name of ["abc123", "shop-test-api", "shop-test-report", "shop-test-orders"])
      assert.ok(metrics.includes(name), `dashboard shows ${name}`);
    assert.ok(body.widgets.every((w) => w.properties.region === "us-east-1"));
    assert.equal(
      run.outputs.dashboardUrl.value,
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=mon",
    );
  });
});

describe("Monitoring of logins (issue 18)", () => {
  it("alarms on a spike of failed logins and on one of refusals for the source address, from the app's own metrics", async () => {
    const run = await runUnderMocks(() => {
      new Monitoring("mon", { alertTopicArn: topicArn, authMetrics: { serviceName: "shop-api" } });
    }, options);
    const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const failed = alarms.find((a) => a.inputs.name === "mon-failed-logins")!;
    assert.deepEqual(
      [failed.inputs.namespace, failed.inputs.metricName, failed.inputs.dimensions, failed.inputs.threshold],
      ["Shop", "FailedLogins", { service: "shop-api" }, 100],
    );
    const throttled = alarms.find((a) => a.inputs.name === "mon-throttled-sources")!;
    const queries = throttled.inputs.metricQueries as {
      metric?: { namespace: string; metricName: string; dimensions: Record<string, string> };
      expression?: string;
    }[];
    assert.deepEqual(
      queries
        .filter((q) => q.metric)
        .map((q) => [q.metric!.namespace, q.metric!.metricName, q.metric!.dimensions]),
      sourceRefusalReasons.map((reason) => ["Shop", "AuthRefusals", { service: "shop-api", reason }]),
    );
    assert.equal(queries.at(-1)?.expression, "SUM(METRICS())");
    assert.equal(throttled.inputs.threshold, 50);
    assert.ok([failed, throttled].every((a) => (a.inputs.alarmActions as string[]).includes(topicArn)));
  });

  it("adds no login alarm unless asked", async () => {
    const run = await runUnderMocks(() => {
      new Monitoring("mon", { alertTopicArn: topicArn });
    }, options);
    const names = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name);
    assert.ok(!names.includes("mon-failed-logins") && !names.includes("mon-throttled-sources"));
  });
});

describe("Monitoring of dependency outages (issue 13)", () => {
  it("alarms on the API's 503s for DynamoDB, S3 and Secrets Manager, summed over the three classes", async () => {
    const run = await runUnderMocks(() => {
      new Monitoring("mon", { alertTopicArn: topicArn, dependencyMetrics: { serviceName: "shop-api" } });
    }, options);
    const alarm = only(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.equal(alarm.inputs.name, "mon-dependency-unavailable");
    const queries = alarm.inputs.metricQueries as {
      metric?: { namespace: string; metricName: string; dimensions: Record<string, string> };
      expression?: string;
    }[];
    assert.deepEqual(
      queries
        .filter((q) => q.metric)
        .map((q) => [q.metric!.namespace, q.metric!.metricName, q.metric!.dimensions]),
      ["database", "object-storage", "secret-store"].map((dependency) => [
        "Shop",
        "DependencyUnavailable",
        { service: "shop-api", dependency },
      ]),
    );
    assert.equal(queries.at(-1)?.expression, "SUM(METRICS())");
    assert.equal(alarm.inputs.threshold, 10);
    assert.deepEqual(alarm.inputs.alarmActions, [topicArn]);
  });
});
