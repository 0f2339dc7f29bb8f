// The reports page's filters, as they travel in the URL (a plain GET form): parsed with zod once
// at the edge. The page shows whole days, both ends included; the report functions take the day
// after the last one, so the conversion happens here and nowhere else.
import { z } from 'zod';
import { CAUSES, CHANNELS, PRODUCTS } from '../../db/constants';
import type { ReportFilter } from './reports.server';

const DAY_MS = 86_400_000;
/** Roll-ups answer any span quickly; the bound only keeps a typo (year 20026) from drawing 7 million days. */
export const MAX_REPORT_DAYS = 3 * 366;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-03-01').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date');

export const reportParamsSchema = z.object({
  from: z.preprocess(blank, day.optional()),
  to: z.preprocess(blank, day.optional()),
  team: z.preprocess(blank, z.coerce.number().int().positive('must be a team').optional()),
  channel: z.preprocess(blank, z.enum(CHANNELS).optional()),
  product: z.preprocess(blank, z.enum(PRODUCTS).optional()),
  cause: z.preprocess(blank, z.enum(CAUSES).optional()),
  by: z.preprocess(blank, z.enum(['day', 'week']).default('day')),
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
});

export interface ReportParams {
  /** First day shown (YYYY-MM-DD, UTC). */
  from: string;
  /** Last day shown, included. */
  to: string;
  teamId?: number;
  channel?: ReportFilter['channel'];
  product?: ReportFilter['product'];
  cause?: ReportFilter['cause'];
  by: 'day' | 'week';
  /** Words searched in the case reviews' lessons learned. */
  q?: string;
}

export type ParsedReportParams = { ok: true; params: ReportParams } | { ok: false; message: string };

const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Reads the URL's filters; with no period, the 30 days up to `now`'s day. */
export function parseReportParams(search: URLSearchParams, now: Date): ParsedReportParams {
  const parsed = reportParamsSchema.safeParse(Object.fromEntries(search));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'query'}: ${issue.message}` };
  }
  const v = parsed.data;
  const today = dayString(now.getTime());
  const to = v.to ?? (v.from && v.from > today ? v.from : today);
  const from = v.from ?? dayString(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS);
  if (from > to) return { ok: false, message: 'from: must not be after to' };
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_REPORT_DAYS) return { ok: false, message: `to: the period may span at most ${MAX_REPORT_DAYS} days` };
  return { ok: true, params: { from, to, teamId: v.team, channel: v.channel, product: v.product, cause: v.cause, by: v.by, q: v.q } };
}

/** The report functions' filter: `to` becomes the day after the last day shown. */
export function reportFilterOf(p: ReportParams): ReportFilter {
  return { from: p.from, to: dayString(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS), teamId: p.teamId, channel: p.channel, product: p.product, cause: p.cause };
}

/** The period as instants: from the first day's midnight (UTC) to the midnight after the last. */
export function periodInstants(p: Pick<ReportParams, 'from' | 'to'>): { from: Date; to: Date } {
  return { from: new Date(`${p.from}T00:00:00Z`), to: new Date(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS) };
}
