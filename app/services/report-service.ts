import { isoWeekRangeOf, previousIsoWeek, type IsoWeekRange } from "../domain/iso-week";
import type { WeeklyReport } from "../domain/models";
import type { WeeklyOrderReader } from "../repositories/weekly-order-reader";
import type { ReportStore } from "../repositories/report-store";
import { timeBudgets, type CallBudget } from "../aws/time-budgets";
import { NotFoundError } from "../domain/errors";

/** How patiently a report is written: each attempt's S3 budget, and whole-write attempts with backoff. */
export interface ReportWritePolicy {
  readonly budget: CallBudget;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** The API's: one write (itself retried by the SDK), so the admin's request ends within the function timeout. */
export const apiReportWrite: ReportWritePolicy = {
  budget: timeBudgets.s3.reportWrite,
  attempts: 1,
  backoffMs: 0,
};

/** The scheduled job's: it has minutes, and a missing report is only noticed a week later. */
export const jobReportWrite: ReportWritePolicy = {
  budget: timeBudgets.reportJob.write,
  attempts: timeBudgets.reportJob.writeAttempts,
  backoffMs: timeBudgets.reportJob.writeBackoffMs,
};

const TOP_PRODUCTS = 10;

/**
 * The weekly sales summary. It reads one ISO week's orders through the week index page by page and
 * keeps only running totals and one entry per product, so memory follows the catalogue, not the orders.
 */
export class ReportService {
  constructor(
    private readonly orders: WeeklyOrderReader,
    private readonly store: ReportStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  currentWeek(): IsoWeekRange {
    return isoWeekRangeOf(this.now());
  }

  lastWeek(): IsoWeekRange {
    return previousIsoWeek(this.now());
  }

  /**
   * Builds the whole report in memory, then writes it in one object: a failure while reading the week or
   * writing the object leaves no report, never a partial one, and is thrown to the caller (the API answers
   * 503, the job fails its invocation, which alarms).
   */
  async generate(range: IsoWeekRange, write: ReportWritePolicy = apiReportWrite): Promise<WeeklyReport> {
    let orderCount = 0;
    let cancelledCount = 0;
    let unitsSold = 0;
    let revenueCents = 0;
    const byProduct = new Map<
      string,
      { productId: string; name: string; quantity: number; revenueCents: number }
    >();

    for await (const page of this.orders.ordersOfWeek(range.week)) {
      for (const order of page) {
        orderCount++;
        if (order.status === "CANCELLED") {
          cancelledCount++;
          continue;
        }
        for (const line of order.items) {
          const lineRevenue = line.quantity * line.unitPriceCents;
          unitsSold += line.quantity;
          revenueCents += lineRevenue;
          const entry = byProduct.get(line.productId) ?? {
            productId: line.productId,
            name: line.name,
            quantity: 0,
            revenueCents: 0,
          };
          entry.quantity += line.quantity;
          entry.revenueCents += lineRevenue;
          byProduct.set(line.productId, entry);
        }
      }
    }

    const topProducts = [...byProduct.values()]
      .sort(
        (a, b) =>
          b.revenueCents - a.revenueCents ||
          b.quantity - a.quantity ||
          a.productId.localeCompare(b.productId),
      )
      .slice(0, TOP_PRODUCTS);
    const report: WeeklyReport = {
      week: range.week,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      orderCount,
      cancelledCount,
      unitsSold,
      revenueCents,
      topProducts,
      generatedAt: this.now().toISOString(),
      location: this.store.locationOf(range.week),
    };
    await this.save(report, write);
    return report;
  }

  /** The stored report of an ISO week, as written by the weekly job or by generate. */
  async read(week: string): Promise<WeeklyReport> {
    const report = await this.store.get(week);
    if (report === undefined) throw new NotFoundError(`No report is stored for ${week}`);
    return report as WeeklyReport;
  }

  private async save(report: WeeklyReport, write: ReportWritePolicy): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.save(report.week, report, write.budget);
      } catch (error) {
        if (attempt >= write.attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, write.backoffMs * attempt));
      }
    }
  }
}
