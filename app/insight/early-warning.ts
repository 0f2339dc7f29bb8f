// The complaint early warning's statistics, pure: no database, no clock. The scan
// (scan.server.ts) reads daily counts and flagged tickets, hands them here, and raises what
// this module finds.
//
// A rise is "significant" when the last 7 days hold at least MIN_OBSERVED complaints and a
// one-sided Poisson test against the 8 weeks before gives p < P_THRESHOLD. The tail is summed
// exactly in log space, so neither a large count (factorials overflow a double near 171) nor a
// tiny p (underflow) spoils the answer.

export const WINDOW_DAYS = 7;
export const BASELINE_DAYS = 56;
export const MIN_OBSERVED = 5;
export const P_THRESHOLD = 0.01;
/** Distinct customers with the same risk signal on one product that make a cluster. */
export const MIN_CLUSTER_CUSTOMERS = 3;
/** The flags the escalation work raises for the two risks the issue names. */
export const DEFAULT_SIGNAL_FLAGS = ['mis-selling', 'fraud'] as const;

const DAY_MS = 86_400_000;

// Lanczos approximation (g = 7, n = 9): ln Γ(x) to about 15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export function logPoissonPmf(k: number, lambda: number): number {
  if (lambda === 0) return k === 0 ? 0 : -Infinity;
  return k * Math.log(lambda) - lambda - logGamma(k + 1);
}

/**
 * Sums pmf(k), pmf(k+step), … in log space relative to the first term, which is the largest
 * one in the direction walked (callers make sure of that), and stops when a term no longer
 * changes the sum.
 */
function logTailSum(k: number, lambda: number, step: 1 | -1): number {
  const first = logPoissonPmf(k, lambda);
  let sum = 1;
  for (let i = k + step; i >= 0; i += step) {
    const rel = Math.exp(logPoissonPmf(i, lambda) - first);
    sum += rel;
    if (rel < sum * 1e-17) break;
  }
  return first + Math.log(sum);
}

/** P(X ≥ k) for X ~ Poisson(lambda). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (!Number.isInteger(k) || lambda < 0) throw new RangeError('k must be an integer and lambda ≥ 0');
  if (k <= 0) return 1;
  if (lambda === 0) return 0;
  // Above the mean the terms fall as i grows: sum upwards from k. Below it, sum the lower tail
  // downwards from k - 1 and take the complement (it is not small there, so no precision is lost).
  if (k > lambda) return Math.exp(logTailSum(k, lambda, 1));
  return Math.max(0, 1 - Math.exp(logTailSum(k - 1, lambda, -1)));
}

export interface RiseTest {
  observed: number;
  /** Complaints the baseline predicts for the window. */
  expected: number;
  /** observed / expected. */
  ratio: number;
  pValue: number;
  significant: boolean;
}

/**
 * Tests whether `observed` complaints in the window rose above what `baseline` complaints in
 * the baseline period predict. Half a complaint is added to the baseline so that a series that
 * was silent still has a small, non-zero rate (a rate of zero would make any complaint
 * "infinitely" significant and the ratio meaningless).
 */
export function testRise({
  observed,
  baseline,
  windowDays = WINDOW_DAYS,
  baselineDays = BASELINE_DAYS,
}: {
  observed: number;
  baseline: number;
  windowDays?: number;
  baselineDays?: number;
}): RiseTest {
  const expected = ((baseline + 0.5) * windowDays) / baselineDays;
  const pValue = poissonUpperTail(observed, expected);
  return {
    observed,
    expected,
    ratio: observed / expected,
    pValue,
    significant: observed >= MIN_OBSERVED && observed > expected && pValue < P_THRESHOLD,
  };
}

export interface ScanWindow {
  /** First day of the baseline (YYYY-MM-DD, UTC). */
  baselineFrom: string;
  /** First day of the window; the baseline ends the day before. */
  windowFrom: string;
  /** The day after the window: the scan's own (incomplete) day is never counted. */
  windowTo: string;
  /** ISO week of the window's last day: an alert is raised once per series and period. */
  period: string;
}

export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** ISO 8601 week of a day, such as 2026-W14. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  // The week's Thursday lies in the ISO year; its 0-based day of that year fixes the week.
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function scanWindow(at: Date): ScanWindow {
  const windowTo = dayOf(at);
  const windowFrom = addDays(windowTo, -WINDOW_DAYS);
  return {
    baselineFrom: addDays(windowFrom, -BASELINE_DAYS),
    windowFrom,
    windowTo,
    period: isoWeek(addDays(windowTo, -1)),
  };
}

export interface DailyCount {
  value: string;
  day: string;
  opened: number;
}

export interface Rise extends RiseTest {
  value: string;
}

/** Sums each series' window and baseline and returns the significant rises, largest first. */
export function findRises(counts: DailyCount[], window: ScanWindow): Rise[] {
  const totals = new Map<string, { observed: number; baseline: number }>();
  for (const c of counts) {
    if (c.day < window.baselineFrom || c.day >= window.windowTo) continue;
    const t = totals.get(c.value) ?? { observed: 0, baseline: 0 };
    if (c.day >= window.windowFrom) t.observed += c.opened;
    else t.baseline += c.opened;
    totals.set(c.value, t);
  }
  const rises: Rise[] = [];
  for (const [value, t] of totals) {
    const test = testRise(t);
    if (test.significant) rises.push({ value, ...test });
  }
  return rises.sort((a, b) => a.pValue - b.pValue || a.value.localeCompare(b.value));
}

export interface FlaggedTicket {
  ticketId: number;
  reference: string;
  customerId: number;
  product: string;
  flag: string;
}

export interface Cluster {
  product: string;
  flag: string;
  customers: number;
  tickets: { ticketId: number; reference: string }[];
}

/**
 * One product drawing complaints with the same risk signal from several distinct customers.
 * Counting customers, not tickets, keeps one persistent complainant from looking like a pattern.
 */
export function findClusters(rows: FlaggedTicket[], minCustomers = MIN_CLUSTER_CUSTOMERS): Cluster[] {
  const groups = new Map<string, { product: string; flag: string; customers: Set<number>; tickets: Map<number, string> }>();
  for (const r of rows) {
    const key = `${r.product}\u0000${r.flag}`;
    const g = groups.get(key) ?? { product: r.product, flag: r.flag, customers: new Set(), tickets: new Map() };
    g.customers.add(r.customerId);
    g.tickets.set(r.ticketId, r.reference);
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.customers.size >= minCustomers)
    .map((g) => ({
      product: g.product,
      flag: g.flag,
      customers: g.customers.size,
      tickets: [...g.tickets].sort((a, b) => a[0] - b[0]).map(([ticketId, reference]) => ({ ticketId, reference })),
    }))
    .sort((a, b) => b.customers - a.customers || a.product.localeCompare(b.product) || a.flag.localeCompare(b.flag));
}
