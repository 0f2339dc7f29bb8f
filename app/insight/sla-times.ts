// How long SLA targets took, kept as a histogram so that medians and 90th percentiles over any
// period come from summed cells instead of every timer. Durations are on the timer's own clock
// (business time on business clocks). A percentile is reported as the upper edge of the bucket
// it falls in: exact to the ladder's step, which is finer where targets are short.

const MIN = 60_000;
/** Bucket upper edges in minutes: minutes, then quarter hours, hours, half days, days, weeks. */
export const TIME_BUCKETS_MIN = [
  1, 2, 5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2160, 2880, 4320, 5760, 7200, 8640, 10080, 14400, 20160,
  30240, 40320, 60480, 80640,
] as const;

/** The bucket (its upper edge in minutes, or 0 for "longer than the ladder") a duration falls in. */
export function timeBucketOf(ms: number): number {
  const minutes = ms / MIN;
  return TIME_BUCKETS_MIN.find((edge) => minutes <= edge) ?? 0;
}

/**
 * The q-th quantile (0 < q ≤ 1) of a histogram, as the upper edge of its bucket in ms (null when
 * empty, Infinity past the ladder). Nearest rank: the smallest bucket holding at least q of the counts.
 */
export function quantileOf(histogram: { bucket: number; n: number }[], q: number): number | null {
  const rows = histogram.filter((h) => h.n > 0).map((h) => ({ edge: h.bucket === 0 ? Infinity : h.bucket, n: h.n }));
  rows.sort((a, b) => a.edge - b.edge);
  const total = rows.reduce((s, r) => s + r.n, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const r of rows) {
    seen += r.n;
    if (seen >= rank) return r.edge === Infinity ? Infinity : r.edge * MIN;
  }
  return null;
}
