/**
 * Business metrics as CloudWatch Embedded Metric Format lines (Powertools Metrics): CloudWatch turns
 * each line into metric data points, so no PutMetricData call and no IAM permission is needed.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Dependency, DependencyFailure } from "../domain/errors";
import type { RefusalReason } from "../services/auth-limits";
import {
  AUTH_REFUSALS_METRIC,
  DEPENDENCY_CLASSES,
  DEPENDENCY_UNAVAILABLE_METRIC,
  FAILED_LOGINS_METRIC,
  METRICS_NAMESPACE,
} from "./metric-names";

export interface ShopMetrics {
  orderPlaced(totalCents: number): void;
  loginFailed(): void;
  /** A login or registration refused by a throttle (429), by the counter that refused it. */
  authRefused(reason: RefusalReason): void;
  /** A request answered 503 because a dependency failed. */
  dependencyUnavailable(dependency: Dependency, failure: DependencyFailure): void;
}

export { METRICS_NAMESPACE } from "./metric-names";
// The alarm sums one series per class; a class the alarm does not know of would go unwatched.
DEPENDENCY_CLASSES satisfies readonly Dependency[];

export function createEmfMetrics(serviceName: string): ShopMetrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    orderPlaced(totalCents) {
      metrics.addMetric("OrdersPlaced", MetricUnit.Count, 1);
      metrics.addMetric("RevenueCents", MetricUnit.Count, totalCents);
      metrics.publishStoredMetrics();
    },
    loginFailed() {
      metrics.addMetric(FAILED_LOGINS_METRIC, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
    authRefused(reason) {
      // A single metric of its own: the reason dimension must not attach to other metrics of the request.
      const single = metrics.singleMetric();
      single.addDimension("reason", reason);
      single.addMetric(AUTH_REFUSALS_METRIC, MetricUnit.Count, 1);
    },
    dependencyUnavailable(dependency, failure) {
      // One series per dependency class (three), so Monitoring's alarm can sum them in one metric-math
      // alarm (at most 10 metrics); how it failed is metadata on the line, searchable in the logs.
      const single = metrics.singleMetric();
      single.addDimension("dependency", dependency);
      single.addMetadata("failure", failure);
      single.addMetric(DEPENDENCY_UNAVAILABLE_METRIC, MetricUnit.Count, 1);
    },
  };
}
