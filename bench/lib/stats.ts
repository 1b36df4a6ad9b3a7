/** Summaries of repeated measurements: the median, with the quartiles and the extremes as its spread. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/** Linear interpolation between the closest ranks (the "R-7" rule spreadsheets use). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: percentile(samples, 50),
    p25: percentile(samples, 25),
    p75: percentile(samples, 75),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

/** A summary of a figure measured once (or already aggregated), so every figure has the same shape. */
export function single(value: number): Summary {
  return { n: 1, median: value, p25: value, p75: value, min: value, max: value };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
