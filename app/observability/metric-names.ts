/**
 * Names of the app's own CloudWatch metrics, free of imports: the Monitoring component loads this module
 * to alarm on exactly the metrics the app emits, without loading Powertools into the Pulumi program.
 */
export const METRICS_NAMESPACE = "Shop";

export const FAILED_LOGINS_METRIC = "FailedLogins";

/** One series per refusal reason (dimension `reason`, besides `service`). */
export const AUTH_REFUSALS_METRIC = "AuthRefusals";

/** One series per dependency class (dimension `dependency`, besides `service`): 503s caused by a dependency. */
export const DEPENDENCY_UNAVAILABLE_METRIC = "DependencyUnavailable";

/** The values of that dimension (app/domain/errors.ts's Dependency). */
export const DEPENDENCY_CLASSES = ["database", "object-storage", "secret-store"] as const;
