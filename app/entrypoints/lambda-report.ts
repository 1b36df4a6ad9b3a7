/**
 * The weekly report job, run by an EventBridge schedule every Monday at 01:00 UTC: it reports on the ISO
 * week that just ended. Invoked with `{"week": "2026-W07"}` it (re)builds that week instead, for backfills.
 */
import { documentClient, s3Client } from "../aws/clients";
import { loadReportJobConfig } from "../config";
import { parseIsoWeek } from "../domain/iso-week";
import type { WeeklyReport } from "../domain/models";
import { createLogger } from "../observability/logger";
import { ReportStore } from "../repositories/report-store";
import { WeeklyOrderReader } from "../repositories/weekly-order-reader";
import { jobReportWrite, ReportService } from "../services/report-service";

const config = loadReportJobConfig();
const logger = createLogger(config.serviceName);
const reports = new ReportService(
  new WeeklyOrderReader(documentClient, config.ordersTable),
  new ReportStore(s3Client, config.reportsBucket),
);

export async function handler(event: { week?: unknown } | null | undefined): Promise<WeeklyReport> {
  const requested = typeof event?.week === "string" ? parseIsoWeek(event.week) : undefined;
  if (event?.week !== undefined && !requested) {
    throw new Error(`Invalid week ${JSON.stringify(event.week)}: expected an ISO week such as 2026-W07`);
  }
  const range = requested ?? reports.lastWeek();
  let report: WeeklyReport;
  try {
    report = await reports.generate(range, jobReportWrite);
  } catch (error) {
    // Failing the invocation is what makes it loud: Lambda retries it, then the dead-letter queue alarms.
    logger.error("Weekly report not written", { week: range.week, error: error as Error });
    throw error;
  }
  logger.info("Weekly report written", {
    week: report.week,
    location: report.location,
    orderCount: report.orderCount,
    revenueCents: report.revenueCents,
  });
  return report;
}
