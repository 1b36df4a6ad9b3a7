/**
 * Business metrics as CloudWatch Embedded Metric Format lines (Powertools Metrics): CloudWatch turns
 * each line into metric data points, so no PutMetricData call and no IAM permission is needed.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export interface ShopMetrics {
  orderPlaced(totalCents: number): void;
  loginFailed(): void;
}

export const METRICS_NAMESPACE = "Shop";

export function createEmfMetrics(serviceName: string): ShopMetrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    orderPlaced(totalCents) {
      metrics.addMetric("OrdersPlaced", MetricUnit.Count, 1);
      metrics.addMetric("RevenueCents", MetricUnit.Count, totalCents);
      metrics.publishStoredMetrics();
    },
    loginFailed() {
      metrics.addMetric("FailedLogins", MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  };
}
