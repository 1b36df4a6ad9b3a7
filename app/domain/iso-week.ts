/**
 * ISO 8601 weeks in UTC: a week starts Monday 00:00 UTC; week 1 is the week holding the year's first
 * Thursday. Orders carry their week (`2026-W47`) so the report reads one index partition.
 */

const DAY_MS = 86_400_000;
const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

export interface IsoWeekRange {
  readonly week: string;
  readonly from: Date;
  readonly to: Date;
}

/** The Monday 00:00 UTC that starts the ISO week holding `date`. */
function mondayOf(date: Date): Date {
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const daysSinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return new Date(midnight - daysSinceMonday * DAY_MS);
}

export function isoWeekOf(date: Date): string {
  const monday = mondayOf(date);
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week1Monday = mondayOf(new Date(Date.UTC(year, 0, 4)));
  const week = Math.round((monday.getTime() - week1Monday.getTime()) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The range of an ISO week, or undefined when the text is not a week that exists. */
export function parseIsoWeek(text: string): IsoWeekRange | undefined {
  const match = WEEK_PATTERN.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1) return undefined;
  const from = new Date(mondayOf(new Date(Date.UTC(year, 0, 4))).getTime() + (week - 1) * 7 * DAY_MS);
  if (isoWeekOf(from) !== text) return undefined;
  return { week: text, from, to: new Date(from.getTime() + 7 * DAY_MS) };
}

export function isoWeekRangeOf(date: Date): IsoWeekRange {
  const from = mondayOf(date);
  return { week: isoWeekOf(from), from, to: new Date(from.getTime() + 7 * DAY_MS) };
}

/** The week before the one holding `date`: what the Monday schedule reports on. */
export function previousIsoWeek(date: Date): IsoWeekRange {
  return isoWeekRangeOf(new Date(mondayOf(date).getTime() - DAY_MS));
}

/**
 * A pattern that matches exactly the ISO weeks of the years `from`..`to`: weeks 01-52 of every year, and
 * week 53 of the years that have one (listed, since no simpler pattern can tell them apart). The OpenAPI
 * document carries it, so a client or a fuzzer can tell a week that exists from one that does not.
 */
export function isoWeekPattern(from: number, to: number): RegExp {
  const years = Array.from({ length: to - from + 1 }, (_, index) => from + index);
  const longYears = years.filter((year) => isoWeekOf(new Date(Date.UTC(year, 11, 28))) === `${year}-W53`);
  const year = `(?:${years.join("|")})`;
  return new RegExp(`^(?:${year}-W(?:0[1-9]|[1-4][0-9]|5[0-2])|(?:${longYears.join("|")})-W53)$`);
}
