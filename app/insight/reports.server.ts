// The figures of the reports page that the ticket model answers today, as functions a route
// can call and render: volumes from the daily roll-ups, the open backlog from the open part of
// the tickets index. Periods are whole UTC days, `to` exclusive.
import type { Tx } from '../../db/client';
import type { Cause, Channel, Product, TicketKind } from '../../db/constants';
import { SLA_TARGETS, type SlaTarget } from '../../db/sla-constants';
import {
  agentFacts,
  sumFacts,
  type FactDimension,
  openedByDay,
  openedByDimensions,
  openTicketsByAge,
  type RollupDimension,
  type TicketFilter,
  type VolumeFilter,
} from '../../db/store/insight';
import { addDays, isoWeek } from './early-warning';
import { quantileOf } from './sla-times';

export interface ReportFilter {
  /** First day (YYYY-MM-DD, UTC). */
  from: string;
  /** Day after the last day. */
  to: string;
  channel?: Channel;
  product?: Product;
  cause?: Cause;
  kind?: TicketKind;
  teamId?: number;
}

function volumeFilter(f: ReportFilter): VolumeFilter {
  return { fromDay: f.from, toDay: f.to, channel: f.channel, product: f.product, cause: f.cause, kind: f.kind, teamId: f.teamId };
}

/** Tickets opened on each day of the period, days without tickets included as 0. */
export function volumeByDay(tx: Tx, filter: ReportFilter): { day: string; opened: number }[] {
  const found = new Map(openedByDay(tx, volumeFilter(filter)).map((r) => [r.day, r.opened]));
  const out: { day: string; opened: number }[] = [];
  for (let day = filter.from; day < filter.to; day = addDays(day, 1)) out.push({ day, opened: found.get(day) ?? 0 });
  return out;
}

/** Tickets opened per ISO week (a week cut by the period's edges counts only its days inside). */
export function volumeByWeek(tx: Tx, filter: ReportFilter): { week: string; opened: number }[] {
  const weeks = new Map<string, number>();
  for (const { day, opened } of volumeByDay(tx, filter)) {
    const week = isoWeek(day);
    weeks.set(week, (weeks.get(week) ?? 0) + opened);
  }
  return [...weeks].map(([week, opened]) => ({ week, opened }));
}

/**
 * Tickets opened per channel, product, cause, kind or team, largest first. An unknown product,
 * cause or team is `null`.
 */
export function volumeBy(tx: Tx, filter: ReportFilter, dimension: RollupDimension): { value: string | number | null; opened: number }[] {
  return volumeBreakdowns(tx, filter, [dimension])[dimension];
}

/** Several of volumeBy's breakdowns from one pass over the cells (the reports page shows four). */
export function volumeBreakdowns<D extends RollupDimension>(
  tx: Tx,
  filter: ReportFilter,
  dimensions: readonly D[],
): Record<D, { value: string | number | null; opened: number }[]> {
  const found = openedByDimensions(tx, volumeFilter(filter), dimensions);
  const out = {} as Record<D, { value: string | number | null; opened: number }[]>;
  for (const d of dimensions) {
    out[d] = found[d].map((r) => ({ value: r.value === '' || (d === 'team' && r.value === 0) ? null : r.value, opened: r.opened }));
  }
  return out;
}

/** Age bands of the open backlog, in days: [0,3) [3,8) [8,15) [15,31) [31,57) and 57 on. */
export const BACKLOG_BANDS = [3, 8, 15, 31, 57] as const;

export interface BacklogBand {
  /** Youngest age in the band, in whole days. */
  fromDays: number;
  /** First age no longer in it; null for the oldest band. */
  toDays: number | null;
  open: number;
}

/** Open tickets (new, open, pending) by how long ago they were opened, as at `now`. */
export function backlogByAge(tx: Tx, { now, filter = {} }: { now: Date; filter?: TicketFilter }): BacklogBand[] {
  const counts = openTicketsByAge(tx, { now, boundaries: [...BACKLOG_BANDS], filter });
  return counts.map((open, i) => ({
    fromDays: i === 0 ? 0 : BACKLOG_BANDS[i - 1]!,
    toDays: BACKLOG_BANDS[i] ?? null,
    open,
  }));
}

// ---- Facts: SLA, outcomes, escalations, satisfaction, staff quality --------------------------

const factsOf = (tx: Tx, filter: ReportFilter, measure: string, groupBy: FactDimension[], splitBy?: 'product-team') =>
  sumFacts(tx, { measure, filter: volumeFilter(filter), groupBy, splitBy });

/**
 * Sums the rows of a finer grouping by one key position, in ascending key order as SQL groups
 * them, dropping sums that come to nothing as sumFacts does: two breakdowns of one measure from
 * one read of its cells.
 */
function rollUpFacts(rows: { key: (string | number)[]; n: number; total: number }[], at: number): { key: [string | number]; n: number; total: number }[] {
  const sums = new Map<string | number, { n: number; total: number }>();
  for (const r of rows) {
    const seen = sums.get(r.key[at]!) ?? { n: 0, total: 0 };
    seen.n += r.n;
    seen.total += r.total;
    sums.set(r.key[at]!, seen);
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, s]) => s.n !== 0 || s.total !== 0)
    .map(([key, s]) => ({ key: [key], ...s }));
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export interface MetShare {
  met: number;
  late: number;
  /** Met on time ÷ finished, null when none finished. */
  share: number | null;
}

export interface SlaReport {
  byTarget: ({ target: SlaTarget } & MetShare)[];
  byPolicy: ({ policyId: number; target: SlaTarget } & MetShare)[];
  /** Time to meet each target on its own clock, ms: the bucket edges holding the median and the 90th percentile. */
  times: { target: SlaTarget; n: number; median: number | null; p90: number | null }[];
  breachesByTeam: { teamId: number | null; breaches: number }[];
}

/** Targets met (on time or late) in the period, per target and per policy; times; breaches that happened in it. */
export function slaReport(tx: Tx, filter: ReportFilter): SlaReport {
  const finished = factsOf(tx, filter, 'sla', ['item']).map((r) => {
    const [target, policyId, how] = String(r.key[0]).split(':') as [SlaTarget, string, 'met' | 'late'];
    return { target, policyId: Number(policyId), how, n: r.n };
  });
  const tally = <K extends string>(keyOf: (f: (typeof finished)[number]) => K) => {
    const out = new Map<K, { met: number; late: number }>();
    for (const f of finished) {
      const cell = out.get(keyOf(f)) ?? { met: 0, late: 0 };
      cell[f.how] += f.n;
      out.set(keyOf(f), cell);
    }
    return out;
  };
  const byTarget = tally((f) => f.target);
  const byPolicy = tally((f) => `${f.policyId}:${f.target}` as const);
  const histograms = new Map<SlaTarget, { bucket: number; n: number }[]>();
  for (const r of factsOf(tx, filter, 'time', ['item'], 'product-team')) {
    const [target, bucket] = String(r.key[0]).split(':') as [SlaTarget, string];
    histograms.set(target, [...(histograms.get(target) ?? []), { bucket: Number(bucket), n: r.n }]);
  }
  return {
    byTarget: SLA_TARGETS.filter((t) => byTarget.has(t)).map((target) => {
      const c = byTarget.get(target)!;
      return { target, ...c, share: share(c.met, c.met + c.late) };
    }),
    byPolicy: [...byPolicy]
      .map(([key, c]) => {
        const [policyId, target] = key.split(':') as [string, SlaTarget];
        return { policyId: Number(policyId), target, ...c, share: share(c.met, c.met + c.late) };
      })
      .sort((a, b) => a.policyId - b.policyId || SLA_TARGETS.indexOf(a.target) - SLA_TARGETS.indexOf(b.target)),
    times: SLA_TARGETS.filter((t) => histograms.has(t)).map((target) => {
      const h = histograms.get(target)!;
      return { target, n: h.reduce((s, x) => s + x.n, 0), median: quantileOf(h, 0.5), p90: quantileOf(h, 0.9) };
    }),
    breachesByTeam: factsOf(tx, filter, 'breach', ['team'])
      .map((r) => ({ teamId: r.key[0] === 0 ? null : Number(r.key[0]), breaches: r.n }))
      .sort((a, b) => b.breaches - a.breaches),
  };
}

/** Outcomes that count as upheld in the FCA's sense: the complaint was upheld in whole or in part. */
export const UPHELD_OUTCOMES = ['upheld', 'partly_upheld'] as const;

export interface OutcomesReport {
  reviews: number;
  upheld: number;
  upheldRate: number | null;
  byOutcome: { outcome: string; n: number }[];
  redressByProduct: { product: string | null; reviews: number; redressMinor: number }[];
  rootCauses: { rootCause: string; n: number }[];
}

/** Case reviews written in the period (a ticket's latest review counts): outcomes, redress, root causes. */
export function outcomesReport(tx: Tx, filter: ReportFilter): OutcomesReport {
  // One read of the review cells for both the outcomes and the redress by product.
  const reviewCells = factsOf(tx, filter, 'review', ['item', 'product']);
  const byOutcome = rollUpFacts(reviewCells, 0)
    .map((r) => ({ outcome: String(r.key[0]), n: r.n }))
    .sort((a, b) => b.n - a.n || a.outcome.localeCompare(b.outcome));
  const reviews = byOutcome.reduce((s, r) => s + r.n, 0);
  const upheld = byOutcome.filter((r) => (UPHELD_OUTCOMES as readonly string[]).includes(r.outcome)).reduce((s, r) => s + r.n, 0);
  return {
    reviews,
    upheld,
    upheldRate: share(upheld, reviews),
    byOutcome,
    redressByProduct: rollUpFacts(reviewCells, 1)
      .map((r) => ({ product: r.key[0] === '' ? null : String(r.key[0]), reviews: r.n, redressMinor: r.total }))
      .sort((a, b) => b.redressMinor - a.redressMinor || b.reviews - a.reviews),
    rootCauses: factsOf(tx, filter, 'root_cause', ['item'])
      .map((r) => ({ rootCause: String(r.key[0]), n: r.n }))
      .sort((a, b) => b.n - a.n || a.rootCause.localeCompare(b.rootCause)),
  };
}

export interface RiskReport {
  escalationsByLevel: { level: number; n: number }[];
  flags: { flag: string; n: number }[];
  suitabilityByProduct: { product: string | null; n: number }[];
  suitabilityBySalesChannel: { salesChannel: string | null; n: number }[];
}

const byCount = <T extends { n: number }>(rows: T[]) => rows.sort((a, b) => b.n - a.n);

/** Escalations to each level, risk flags raised, and suitability mismatches, in the period. */
export function riskReport(tx: Tx, filter: ReportFilter): RiskReport {
  return {
    escalationsByLevel: factsOf(tx, filter, 'escalation', ['item'])
      .map((r) => ({ level: Number(r.key[0]), n: r.n }))
      .sort((a, b) => a.level - b.level),
    flags: byCount(factsOf(tx, filter, 'flag', ['item']).map((r) => ({ flag: String(r.key[0]), n: r.n }))),
    suitabilityByProduct: byCount(factsOf(tx, filter, 'suitability', ['product']).map((r) => ({ product: r.key[0] === '' ? null : String(r.key[0]), n: r.n }))),
    suitabilityBySalesChannel: byCount(
      factsOf(tx, filter, 'suitability', ['item']).map((r) => ({ salesChannel: r.key[0] === '' ? null : String(r.key[0]), n: r.n })),
    ),
  };
}

export interface SatisfactionReport {
  ratings: number;
  average: number | null;
  byScore: { score: number; n: number }[];
  byTeam: { teamId: number | null; ratings: number; average: number }[];
}

/** Ratings given in the period. */
export function satisfactionReport(tx: Tx, filter: ReportFilter): SatisfactionReport {
  // One read of the rating cells for both the scores and the teams.
  const ratingCells = factsOf(tx, filter, 'rating', ['item', 'team']);
  const byScore = rollUpFacts(ratingCells, 0)
    .map((r) => ({ score: Number(r.key[0]), n: r.n, total: r.total }))
    .sort((a, b) => b.score - a.score);
  const ratings = byScore.reduce((s, r) => s + r.n, 0);
  const total = byScore.reduce((s, r) => s + r.total, 0);
  return {
    ratings,
    average: ratings === 0 ? null : total / ratings,
    byScore: byScore.map(({ score, n }) => ({ score, n })),
    byTeam: rollUpFacts(ratingCells, 1)
      .map((r) => ({ teamId: r.key[0] === 0 ? null : Number(r.key[0]), ratings: r.n, average: r.total / r.n }))
      .sort((a, b) => b.ratings - a.ratings),
  };
}

export interface AgentQuality {
  agentId: number;
  handled: number;
  reopened: number;
  reopenedRate: number | null;
  breaches: number;
  ratings: number;
  averageRating: number | null;
}

/**
 * Per agent over the period, for supervisors: tickets finished while assigned to them, how many
 * came back, SLA breaches while assigned, ratings. Filtered by period and team only (the cells
 * are per agent, not per channel, product or cause).
 */
export function staffQuality(tx: Tx, filter: ReportFilter): AgentQuality[] {
  const agents = new Map<number, { handled: number; reopened: number; breach: number; rating: number; ratingTotal: number }>();
  for (const r of agentFacts(tx, { fromDay: filter.from, toDay: filter.to, teamId: filter.teamId })) {
    const a = agents.get(r.agentId) ?? { handled: 0, reopened: 0, breach: 0, rating: 0, ratingTotal: 0 };
    if (r.measure === 'handled') a.handled += r.n;
    else if (r.measure === 'reopened') a.reopened += r.n;
    else if (r.measure === 'breach') a.breach += r.n;
    else if (r.measure === 'rating') {
      a.rating += r.n;
      a.ratingTotal += r.total;
    }
    agents.set(r.agentId, a);
  }
  return [...agents]
    .map(([agentId, a]) => ({
      agentId,
      handled: a.handled,
      reopened: a.reopened,
      reopenedRate: share(a.reopened, a.handled),
      breaches: a.breach,
      ratings: a.rating,
      averageRating: a.rating === 0 ? null : a.ratingTotal / a.rating,
    }))
    .sort((a, b) => b.handled - a.handled || a.agentId - b.agentId);
}
