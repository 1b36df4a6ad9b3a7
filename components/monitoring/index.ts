/**
 * Monitoring is two components because of ordering: the AlertTopic must exist before the components that
 * alarm into it (AuditTrail, WeeklyReport, VulnerabilityScanning), and Monitoring's alarms need the
 * functions, the API and the tables those components create.
 */
export * from "./alert-topic";
export * from "./monitoring";
