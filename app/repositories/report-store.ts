import type { S3Client } from "@aws-sdk/client-s3";
import { callOptions, timeBudgets, type CallBudget } from "../aws/time-budgets";
import { once } from "../once";

const s3Commands = once(() => import("../aws/sdk/s3"));

/** Weekly reports as JSON objects under `reports/weekly/` in the reports bucket. */
export class ReportStore {
  constructor(
    private readonly s3: () => Promise<S3Client>,
    private readonly bucket: string,
  ) {}

  /** The S3 URI a week's report is written to. */
  locationOf(week: string): string {
    return `s3://${this.bucket}/${this.keyOf(week)}`;
  }

  /**
   * Writes the whole report in one PutObject: S3 stores an object completely or not at all, so a failed
   * or abandoned write never leaves a partial report behind. `budget`: the API's by default; the report
   * job passes its own, more patient one.
   */
  async save(week: string, report: unknown, budget: CallBudget = timeBudgets.s3.reportWrite): Promise<void> {
    const [s3, { PutObjectCommand }] = await Promise.all([this.s3(), s3Commands()]);
    await s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.keyOf(week),
        Body: JSON.stringify(report, null, 2),
        ContentType: "application/json",
      }),
      callOptions(budget),
    );
  }

  /** The report stored for a week, as it was written; undefined when none is. */
  async get(week: string): Promise<unknown> {
    const [s3, { GetObjectCommand, NoSuchKey }] = await Promise.all([this.s3(), s3Commands()]);
    try {
      const { Body } = await s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(week) }),
        callOptions(timeBudgets.s3.reportRead),
      );
      if (!Body) throw new Error(`s3://${this.bucket}/${this.keyOf(week)} has no body`);
      return JSON.parse(await Body.transformToString("utf-8")) as unknown;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  private keyOf(week: string): string {
    return `reports/weekly/${week}.json`;
  }
}
