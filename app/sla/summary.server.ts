// What the rest of Redress reads of the SLA engine: the `sla` array of the API's ticket, the
// list filter (`sla=breached|warning|paused`, `dueWithin=PT4H`), and the date the tracking page
// promises a decision by.
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { SLA_FILTERS, type SlaState, type SlaTarget } from '../../db/sla-constants';
import { slaTicketCondition, timersOfTicket } from '../../db/store/sla';
import { SlaRegistry } from './registry.server';
import { scheduleOfTimer } from './fire.server';

export interface SlaSummary {
  target: SlaTarget;
  policy: string;
  dueAt: string;
  state: SlaState;
  /** Time left until the due time (negative once past); null once met, and frozen while paused. */
  remainingMs: number | null;
  warnings: Array<{ offset: string; at: string; fired: boolean }>;
  pausedSince: string | null;
  pauseReason: string | null;
  metAt: string | null;
  breachedAt: string | null;
  extensionStep: number;
}

export function slaSummaryForTicket(tx: Tx, ticketId: number, now: Date): SlaSummary[] {
  const reg = new SlaRegistry(tx);
  return timersOfTicket(tx, ticketId).map((row) => {
    const policy = reg.policy(row.policyId, row.policyVersion);
    const schedule = scheduleOfTimer(reg, row);
    const remainingFrom = row.state === 'paused' && row.pausedSince ? row.pausedSince : now;
    return {
      target: row.target,
      policy: policy.key,
      dueAt: row.dueAt.toISOString(),
      state: row.state,
      remainingMs: row.metAt ? null : row.dueAt.getTime() - remainingFrom.getTime(),
      warnings: schedule.warnings.map((w, i) => ({ offset: w.offset, at: w.at.toISOString(), fired: i < row.warningsFired })),
      pausedSince: row.pausedSince?.toISOString() ?? null,
      pauseReason: row.pauseReason,
      metAt: row.metAt?.toISOString() ?? null,
      breachedAt: row.breachedAt?.toISOString() ?? null,
      extensionStep: row.extensionStep,
    };
  });
}

/**
 * The date by which the client can expect a decision: the resolution deadline, extensions
 * included. Null when there is none, once decided, or while the clock is stopped (the date is
 * not known until it runs again).
 */
export function expectedDecisionBy(tx: Tx, ticketId: number): { dueAt: Date; paused: boolean } | null {
  const row = timersOfTicket(tx, ticketId).find((t) => t.target === 'resolution');
  if (!row || row.metAt || row.state === 'met') return null;
  return { dueAt: row.dueAt, paused: row.state === 'paused' };
}

/** ISO 8601 durations of days, hours and minutes: P2D, PT4H, PT30M, P1DT12H. */
export function parseIsoDuration(text: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, d, h, min] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000;
}

/** The API list's query parameters, parsed once at the edge. */
export const slaListFilterSchema = z.object({
  sla: z.enum(SLA_FILTERS, { error: 'sla must be breached, warning or paused' }).optional(),
  dueWithin: z
    .string()
    .transform((v, c) => {
      const ms = parseIsoDuration(v);
      if (ms === null) {
        c.addIssue({ code: 'custom', message: 'dueWithin must be an ISO 8601 duration such as PT4H or P2D' });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
});
export type SlaListFilter = z.infer<typeof slaListFilterSchema>;

/** A where-condition on tickets for the parsed filter, or undefined when it filters nothing. */
export function slaListCondition(filter: SlaListFilter, now: Date): SQL | undefined {
  return slaTicketCondition({
    sla: filter.sla,
    dueBefore: filter.dueWithin !== undefined ? new Date(now.getTime() + filter.dueWithin) : undefined,
  });
}
