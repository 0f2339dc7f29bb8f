// The figures of the reports page that the ticket model answers today, as functions a route
// can call and render: volumes from the daily roll-ups, the open backlog from the open part of
// the tickets index. Periods are whole UTC days, `to` exclusive.
import type { Tx } from '../../db/client';
import type { Cause, Channel, Product, TicketKind } from '../../db/constants';
import {
  openedByDay,
  openedByDimension,
  openTicketsByAge,
  type RollupDimension,
  type TicketFilter,
  type VolumeFilter,
} from '../../db/store/insight';
import { addDays, isoWeek } from './early-warning';

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
  return openedByDimension(tx, volumeFilter(filter), dimension).map((r) => ({
    value: r.value === '' || (dimension === 'team' && r.value === 0) ? null : r.value,
    opened: r.opened,
  }));
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
