import type * as aws from "@pulumi/aws";

/**
 * Alarm settings for events that should never happen (a report run that failed all its retries, root
 * account use, an unauthorized API call): one occurrence in five minutes fires it, and no data means
 * nothing happened.
 */
export const onAnyOccurrence = {
  period: 300,
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  treatMissingData: "notBreaching",
} as const satisfies Partial<aws.cloudwatch.MetricAlarmArgs>;
