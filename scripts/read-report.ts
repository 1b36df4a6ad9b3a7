/**
 * `npm run report:read -- --week 2026-W48`: prints a weekly report that the local run wrote
 * (`POST /admin/reports/weekly`), read with the AWS SDK the way any S3 client would read it.
 *
 * With AWS_ENDPOINT_URL_S3 set it reads from that S3 (the address `npm start` prints, or real S3).
 * Without it, it serves DATA_DIR's s3rver directory (default .data/s3) on a port of its own for as long
 * as the read takes, so it works whether `npm start` is running or not.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { GetObjectCommand, NoSuchBucket, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { isoWeekOf, parseIsoWeek } from "../app/domain/iso-week";
import { startS3Local, type LocalService } from "../app/local/local-aws";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { week: { type: "string" } } });
  const week = values.week ?? isoWeekOf(new Date());
  if (!parseIsoWeek(week)) {
    console.error(
      `--week: expected an ISO week such as ${isoWeekOf(new Date())}, got ${JSON.stringify(week)}`,
    );
    return 2;
  }
  const bucket = process.env.REPORTS_BUCKET ?? "shop-local-reports";
  const key = `reports/weekly/${week}.json`;
  let own: LocalService | undefined;
  if (!process.env.AWS_ENDPOINT_URL_S3) {
    own = await startS3Local({
      directory: path.resolve(process.env.DATA_DIR ?? ".data", "s3"),
      buckets: [],
    });
  }
  // s3rver accepts only its fixed key pair; with an endpoint of one's own, the SDK's usual credentials.
  const local = own || !process.env.AWS_ACCESS_KEY_ID;
  const client = new S3Client({
    region: process.env.AWS_REGION ?? "us-east-1",
    forcePathStyle: true,
    ...(own ? { endpoint: own.endpoint } : {}),
    ...(local && !process.env.AWS_PROFILE
      ? { credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } }
      : {}),
  });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    process.stdout.write(`${await object.Body!.transformToString()}\n`);
    return 0;
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NoSuchBucket) {
      console.error(
        `No report for ${week} at s3://${bucket}/${key}: write one with POST /admin/reports/weekly {"week":"${week}"}`,
      );
      return 1;
    }
    throw error;
  } finally {
    client.destroy();
    await own?.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
