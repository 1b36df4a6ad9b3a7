import { round, type Summary } from "./stats";

export interface Target {
  readonly comparison: "<=" | ">=";
  readonly value: number;
}

/** One published number: what was measured, its median and spread, and the target if it has one. */
export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly summary: Summary;
  readonly target?: Target;
  /** Whether the median meets the target; absent for figures without one. */
  readonly met?: boolean;
  readonly note?: string;
}

export function figure(fields: Omit<Figure, "met" | "summary"> & { summary: Summary }): Figure {
  const summary = roundSummary(fields.summary);
  const met = fields.target ? meets(summary.median, fields.target) : undefined;
  return { ...fields, summary, ...(met === undefined ? {} : { met }) };
}

function meets(value: number, target: Target): boolean {
  return target.comparison === "<=" ? value <= target.value : value >= target.value;
}

function roundSummary(summary: Summary): Summary {
  const digits = Math.abs(summary.median) < 1 ? 4 : Math.abs(summary.median) < 100 ? 2 : 1;
  return {
    n: summary.n,
    median: round(summary.median, digits),
    p25: round(summary.p25, digits),
    p75: round(summary.p75, digits),
    min: round(summary.min, digits),
    max: round(summary.max, digits),
  };
}

/** What a section hands back: its figures, and whatever raw detail helps reading them. */
export interface SectionResult {
  readonly title: string;
  /** How it was measured, in a sentence or two, for RESULTS.md. */
  readonly method: string;
  readonly figures: readonly Figure[];
  readonly details?: Record<string, unknown>;
  readonly seconds: number;
}
