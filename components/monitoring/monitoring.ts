/**
 * Monitoring: the alarms that page someone and the dashboard they open. Alarms (all to the alert topic,
 * on ALARM and on OK): per Lambda function errors, throttles and p99 duration near its timeout; the HTTP
 * API's 5xx rate and p99 latency; per DynamoDB table throttled requests and system errors; and, from the
 * app's own EMF metrics, spikes of failed logins and of throttled sources (issue 18). The dashboard
 * shows the API, the functions and the tables on one page.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  AUTH_REFUSALS_METRIC,
  DEPENDENCY_CLASSES,
  DEPENDENCY_UNAVAILABLE_METRIC,
  FAILED_LOGINS_METRIC,
  METRICS_NAMESPACE,
} from "../../app/observability/metric-names";
import { sourceRefusalReasons } from "../../app/services/auth-limits";
import { awsContext } from "../shared/aws-context";

export interface MonitoredFunction {
  /** Short label used in alarm names, e.g. "api". */
  readonly label: string;
  readonly functionName: pulumi.Input<string>;
  /** The function's timeout in seconds; the duration alarm fires near it. */
  readonly timeoutSeconds: number;
}

export interface MonitoredTable {
  /** Short label used in alarm names, e.g. "orders". */
  readonly label: string;
  readonly tableName: pulumi.Input<string>;
}

export interface MonitoringArgs {
  /** Topic that every alarm notifies. Required. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Lambda functions to watch. Default: none. */
  readonly functions?: readonly MonitoredFunction[];
  /** HTTP API and stage to watch. Default: none. */
  readonly api?: { readonly apiId: pulumi.Input<string>; readonly stage: pulumi.Input<string> };
  /** DynamoDB tables to watch. Default: none. */
  readonly tables?: readonly MonitoredTable[];
  /** The API alarms when more than this percentage of requests fail with 5xx over 5 minutes. Default: 1. */
  readonly api5xxRatePercent?: number;
  /** The API alarms when its p99 latency stays above this many milliseconds for 15 minutes. Default: 2000. */
  readonly apiLatencyP99Ms?: number;
  /** A function alarms when its p99 duration exceeds this share of its timeout. Default: 0.8. */
  readonly durationTimeoutRatio?: number;
  /**
   * The app's metrics (namespace Shop) to alarm on: failed logins and throttled sources. `serviceName` is
   * the API's POWERTOOLS_SERVICE_NAME (the `service` dimension). Default: none.
   */
  readonly authMetrics?: { readonly serviceName: pulumi.Input<string> };
  /**
   * Failed logins (wrong password or unknown email) in 5 minutes above which an alarm fires: a person
   * mistypes a few times, a guessing campaign fails by the hundred. Default: 100.
   */
  readonly failedLoginsPer5Min?: number;
  /**
   * Logins and registrations refused because of their source address in 5 minutes above which an alarm
   * fires: a refused source keeps getting refused while it keeps trying, so 50 means a sustained attack or
   * a shared address in trouble. Default: 50.
   */
  readonly throttledSourcesPer5Min?: number;
  /**
   * The API's 503s caused by DynamoDB, S3 or Secrets Manager (throttled, failing, unreachable or too slow)
   * to alarm on; `serviceName` is the API's POWERTOOLS_SERVICE_NAME. Default: none.
   */
  readonly dependencyMetrics?: { readonly serviceName: pulumi.Input<string> };
  /**
   * Such 503s in 5 minutes at or above which the alarm fires: a lone timeout is retried by its client, ten
   * mean a dependency is in trouble. Default: 10.
   */
  readonly dependencyUnavailablePer5Min?: number;
}

/** The DynamoDB operations whose system errors are watched (CloudWatch reports them per operation). */
const tableOperations = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "TransactWriteItems",
];

export class Monitoring extends pulumi.ComponentResource {
  public readonly dashboardName: pulumi.Output<string>;
  public readonly dashboardUrl: pulumi.Output<string>;
  public readonly alarmArns: pulumi.Output<string[]>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("shop:monitoring:Monitoring", name, {}, opts);

    const functions = args.functions ?? [];
    const tables = args.tables ?? [];
    const api5xxRatePercent = args.api5xxRatePercent ?? 1;
    const apiLatencyP99Ms = args.apiLatencyP99Ms ?? 2000;
    const durationTimeoutRatio = args.durationTimeoutRatio ?? 0.8;
    const failedLoginsPer5Min = args.failedLoginsPer5Min ?? 100;
    const throttledSourcesPer5Min = args.throttledSourcesPer5Min ?? 50;

    const { region } = awsContext(this);
    const notify = [args.alertTopicArn];
    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    const alarm = (
      suffix: string,
      alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "alarmActions" | "okActions">,
    ) =>
      alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${suffix}`,
          {
            name: `${name}-${suffix}`,
            alarmActions: notify,
            okActions: notify,
            treatMissingData: "notBreaching",
            ...alarmArgs,
          },
          { parent: this },
        ),
      );

    for (const fn of functions) {
      const dimensions = { FunctionName: fn.functionName };
      const lambdaMetric = { namespace: "AWS/Lambda", dimensions, period: 300, evaluationPeriods: 1 };
      alarm(`${fn.label}-errors`, {
        alarmDescription: pulumi.interpolate`Lambda ${fn.functionName} reported errors`,
        ...lambdaMetric,
        metricName: "Errors",
        statistic: "Sum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
      });
      alarm(`${fn.label}-throttles`, {
        alarmDescription: pulumi.interpolate`Lambda ${fn.functionName} was throttled (reserved concurrency reached)`,
        ...lambdaMetric,
        metricName: "Throttles",
        statistic: "Sum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
      });
      alarm(`${fn.label}-duration`, {
        alarmDescription: pulumi.interpolate`Lambda ${fn.functionName} p99 duration is near its ${fn.timeoutSeconds} s timeout`,
        ...lambdaMetric,
        metricName: "Duration",
        extendedStatistic: "p99",
        comparisonOperator: "GreaterThanThreshold",
        threshold: Math.round(fn.timeoutSeconds * 1000 * durationTimeoutRatio),
      });
    }

    if (args.api) {
      const dimensions = { ApiId: args.api.apiId, Stage: args.api.stage };
      alarm("api-5xx-rate", {
        alarmDescription: `More than ${api5xxRatePercent}% of API requests failed with 5xx`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: api5xxRatePercent,
        evaluationPeriods: 1,
        metricQueries: [
          {
            id: "errors",
            metric: { namespace: "AWS/ApiGateway", metricName: "5xx", dimensions, period: 300, stat: "Sum" },
          },
          {
            id: "requests",
            metric: {
              namespace: "AWS/ApiGateway",
              metricName: "Count",
              dimensions,
              period: 300,
              stat: "Sum",
            },
          },
          {
            id: "rate",
            expression: "IF(requests > 0, 100 * errors / requests, 0)",
            label: "5xx rate (%)",
            returnData: true,
          },
        ],
      });
      alarm("api-latency-p99", {
        alarmDescription: `API p99 latency above ${apiLatencyP99Ms} ms for 15 minutes`,
        namespace: "AWS/ApiGateway",
        metricName: "Latency",
        dimensions,
        extendedStatistic: "p99",
        period: 300,
        evaluationPeriods: 3,
        comparisonOperator: "GreaterThanThreshold",
        threshold: apiLatencyP99Ms,
      });
    }

    if (args.dependencyMetrics) {
      const service = args.dependencyMetrics.serviceName;
      const threshold = args.dependencyUnavailablePer5Min ?? 10;
      alarm("dependency-unavailable", {
        alarmDescription: `${threshold} or more requests answered 503 in 5 minutes because DynamoDB, S3 or Secrets Manager throttled, failed or did not answer (log: "Dependency unavailable")`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold,
        evaluationPeriods: 1,
        metricQueries: [
          ...DEPENDENCY_CLASSES.map((dependency, index) => ({
            id: `dependency${index}`,
            metric: {
              namespace: METRICS_NAMESPACE,
              metricName: DEPENDENCY_UNAVAILABLE_METRIC,
              dimensions: { service, dependency },
              period: 300,
              stat: "Sum",
            },
          })),
          { id: "unavailable", expression: "SUM(METRICS())", label: "Dependency 503s", returnData: true },
        ],
      });
    }

    if (args.authMetrics) {
      const service = args.authMetrics.serviceName;
      alarm("failed-logins", {
        alarmDescription: `More than ${failedLoginsPer5Min} failed logins in 5 minutes: password guessing or credential stuffing`,
        namespace: METRICS_NAMESPACE,
        metricName: FAILED_LOGINS_METRIC,
        dimensions: { service },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: failedLoginsPer5Min,
      });
      alarm("throttled-sources", {
        alarmDescription: `More than ${throttledSourcesPer5Min} logins or registrations refused for their source address in 5 minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: throttledSourcesPer5Min,
        evaluationPeriods: 1,
        metricQueries: [
          ...sourceRefusalReasons.map((reason, index) => ({
            id: `refused${index}`,
            metric: {
              namespace: METRICS_NAMESPACE,
              metricName: AUTH_REFUSALS_METRIC,
              dimensions: { service, reason },
              period: 300,
              stat: "Sum",
            },
          })),
          { id: "throttled", expression: "SUM(METRICS())", label: "Source refusals", returnData: true },
        ],
      });
    }

    for (const table of tables) {
      alarm(`${table.label}-throttles`, {
        alarmDescription: pulumi.interpolate`DynamoDB table ${table.tableName} throttled requests`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        metricQueries: [
          {
            id: "reads",
            metric: {
              namespace: "AWS/DynamoDB",
              metricName: "ReadThrottleEvents",
              dimensions: { TableName: table.tableName },
              period: 300,
              stat: "Sum",
            },
          },
          {
            id: "writes",
            metric: {
              namespace: "AWS/DynamoDB",
              metricName: "WriteThrottleEvents",
              dimensions: { TableName: table.tableName },
              period: 300,
              stat: "Sum",
            },
          },
          { id: "throttles", expression: "reads + writes", label: "Throttle events", returnData: true },
        ],
      });
      alarm(`${table.label}-system-errors`, {
        alarmDescription: pulumi.interpolate`DynamoDB table ${table.tableName} returned system errors (HTTP 500)`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        metricQueries: [
          ...tableOperations.map((operation, index) => ({
            id: `op${index}`,
            metric: {
              namespace: "AWS/DynamoDB",
              metricName: "SystemErrors",
              dimensions: { TableName: table.tableName, Operation: operation },
              period: 300,
              stat: "Sum",
            },
          })),
          { id: "errors", expression: "SUM(METRICS())", label: "System errors", returnData: true },
        ],
      });
    }

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: name,
        dashboardBody: pulumi
          .all([
            region,
            args.api ? pulumi.all([args.api.apiId, args.api.stage]) : undefined,
            pulumi.all(functions.map((fn) => fn.functionName)),
            pulumi.all(tables.map((table) => table.tableName)),
          ])
          .apply(([dashboardRegion, api, functionNames, tableNames]) =>
            JSON.stringify(dashboardBody(dashboardRegion, api, functionNames, tableNames)),
          ),
      },
      { parent: this },
    );

    this.dashboardName = dashboard.dashboardName;
    this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`;
    this.alarmArns = pulumi.all(alarms.map((a) => a.arn));
    this.registerOutputs({
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
      alarmArns: this.alarmArns,
    });
  }
}

type Widget = Record<string, unknown>;

function metricWidget(
  region: string,
  title: string,
  metrics: unknown[][],
  y: number,
  x: number,
  stat = "Sum",
): Widget {
  return {
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, metrics, stat, period: 300, view: "timeSeries" },
  };
}

function dashboardBody(
  region: string,
  api: [string, string] | undefined,
  functionNames: string[],
  tableNames: string[],
) {
  const widgets: Widget[] = [];
  let row = 0;
  if (api) {
    const [apiId, stage] = api;
    const dims = ["ApiId", apiId, "Stage", stage];
    widgets.push(
      metricWidget(
        region,
        "API requests and errors",
        [
          ["AWS/ApiGateway", "Count", ...dims],
          [".", "4xx", ...dims],
          [".", "5xx", ...dims],
        ],
        row,
        0,
      ),
      metricWidget(
        region,
        "API latency p99 (ms)",
        [
          ["AWS/ApiGateway", "Latency", ...dims],
          [".", "IntegrationLatency", ...dims],
        ],
        row,
        12,
        "p99",
      ),
    );
    row += 6;
  }
  for (const functionName of functionNames) {
    const dims = ["FunctionName", functionName];
    widgets.push(
      metricWidget(
        region,
        `Lambda ${functionName}: invocations, errors, throttles`,
        [
          ["AWS/Lambda", "Invocations", ...dims],
          [".", "Errors", ...dims],
          [".", "Throttles", ...dims],
        ],
        row,
        0,
      ),
      metricWidget(
        region,
        `Lambda ${functionName}: duration p99 (ms)`,
        [["AWS/Lambda", "Duration", ...dims]],
        row,
        12,
        "p99",
      ),
    );
    row += 6;
  }
  if (tableNames.length > 0) {
    widgets.push(
      metricWidget(
        region,
        "DynamoDB consumed capacity",
        tableNames.flatMap((table) => [
          ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table],
          [".", "ConsumedWriteCapacityUnits", "TableName", table],
        ]),
        row,
        0,
      ),
      metricWidget(
        region,
        "DynamoDB throttle events",
        tableNames.flatMap((table) => [
          ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", table],
          [".", "WriteThrottleEvents", "TableName", table],
        ]),
        row,
        12,
      ),
    );
  }
  return { widgets };
}
