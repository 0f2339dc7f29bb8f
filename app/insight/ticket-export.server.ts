// The regulator's CSV of tickets opened in a period, streamed: the tickets are read in keyset
// pages of `pageSize` rows (each page through better-sqlite3's iterate(), finished before any
// await, so the shared connection is never held busy while the file waits), and each page is
// written with backpressure. Memory stays flat however many rows the period holds.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../../db/client';
import { countTicketsCreatedBetween, iterateExportPage, type ExportRow } from '../../db/store/insight';
import { calendarDefinition } from '../../db/store/sla';
import { ageOf } from '../escalation/suitability';
import { businessDaysBetween, parseCalendar, type BusinessCalendar } from '../sla/calendar';
import { BOM, csvRow, plainText, type CsvValue } from './csv';

const DAY_MS = 86_400_000;

/**
 * Calendar days a complaint may take. China's rules for banks and insurers give 15 days for a
 * decision; the FCA gives 8 weeks (56).
 */
export const DEFAULT_LIMIT_DAYS = 15;

export const EXPORT_COLUMNS = [
  'reference',
  'received_at',
  'channel',
  'source',
  'kind',
  'product',
  'cause',
  'summary',
  'status',
  'customer_age_band',
  'vulnerability',
  'acknowledged_at',
  'resolved_at',
  'business_days',
  'calendar_days',
  'within_time_limit',
  'outcome',
  'redress',
  'redress_currency',
  'root_cause',
] as const;

/** Age bands as regulators' statistics group them; 60 and 65 both matter (elderly clients). */
const AGE_BANDS = [
  [18, 'under 18'],
  [25, '18-24'],
  [35, '25-34'],
  [45, '35-44'],
  [55, '45-54'],
  [60, '55-59'],
  [65, '60-64'],
  [75, '65-74'],
] as const;

/** The client's age band when the complaint arrived: the imported band as given, else from the birth date. */
export function ageBandAt(row: Pick<ExportRow, 'birthDate' | 'ageBand'>, at: Date): string | null {
  if (!row.birthDate) return row.ageBand;
  const age = ageOf({ birthDate: row.birthDate, ageBand: null }, at);
  if (age === null) return row.ageBand;
  return AGE_BANDS.find(([below]) => age < below)?.[1] ?? '75+';
}

export interface ExportLookups {
  now: Date;
  limitDays: number;
  /** A business calendar by name (null when unknown), for business days taken. */
  calendar?: (name: string) => BusinessCalendar | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * One ticket's CSV values. What the model does not know stays empty rather than guessed: the age
 * band without an imported profile, business days when none of the ticket's SLA timers runs on a
 * business calendar (or it is not finished), outcome, redress and root cause before a case review.
 * `calendar_days` is elapsed time to resolution in days; business days are working days after
 * the day of receipt up to the day of resolution, on the calendar of the ticket's SLA policy.
 */
export function exportValues(row: ExportRow, { now, limitDays, calendar }: ExportLookups): CsvValue[] {
  const finished = row.resolvedAt ?? row.closedAt;
  const cal = row.calendarName && calendar ? calendar(row.calendarName) : null;
  const businessDays = finished !== null && cal ? businessDaysBetween(cal, new Date(row.createdAt), new Date(finished)) : null;
  const elapsedDays = finished === null ? null : (finished - row.createdAt) / DAY_MS;
  const overdueOpen = finished === null && now.getTime() - row.createdAt > limitDays * DAY_MS;
  const within = elapsedDays !== null ? (elapsedDays <= limitDays ? 'yes' : 'no') : overdueOpen ? 'no' : null;
  return [
    row.reference,
    iso(row.createdAt),
    row.channel,
    row.source,
    row.kind,
    row.product,
    row.cause,
    plainText(row.subject),
    row.status,
    ageBandAt(row, new Date(row.createdAt)),
    row.vulnerable ? 'yes' : 'no',
    iso(row.acknowledgedAt),
    iso(finished),
    businessDays,
    elapsedDays === null ? null : elapsedDays.toFixed(1),
    within,
    row.outcome,
    row.redressMinor === null ? null : (row.redressMinor / 100).toFixed(2),
    row.redressMinor === null ? null : row.currency,
    row.rootCause,
  ];
}

export interface ExportOptions {
  from: Date;
  /** Exclusive. */
  to: Date;
  out: Writable;
  now: Date;
  limitDays?: number;
  pageSize?: number;
  /** Called after each page with the rows written so far. */
  onProgress?: (done: number) => void;
}

export function countExport(db: Db, { from, to }: { from: Date; to: Date }): number {
  return countTicketsCreatedBetween(db, { from, to });
}

export async function exportTickets(db: Db, opts: ExportOptions): Promise<{ rows: number }> {
  const limitDays = opts.limitDays ?? DEFAULT_LIMIT_DAYS;
  const pageSize = opts.pageSize ?? 1000;
  const write = async (chunk: string) => {
    if (!opts.out.write(chunk)) await once(opts.out, 'drain');
  };
  await write(BOM + csvRow(EXPORT_COLUMNS));
  // Each calendar parsed once per export, however many tickets run on it.
  const calendars = new Map<string, BusinessCalendar | null>();
  const calendar = (name: string): BusinessCalendar | null => {
    if (!calendars.has(name)) {
      const text = calendarDefinition(db, name);
      calendars.set(name, text ? parseCalendar(JSON.parse(text)) : null);
    }
    return calendars.get(name)!;
  };
  let after: { createdAt: number; id: number } | null = null;
  let rows = 0;
  for (;;) {
    let chunk = '';
    let last: ExportRow | undefined;
    const n = iterateExportPage(db, { from: opts.from, to: opts.to, after, limit: pageSize }, (row) => {
      chunk += csvRow(exportValues(row, { now: opts.now, limitDays, calendar }));
      last = row;
    });
    if (n === 0) break;
    rows += n;
    await write(chunk);
    opts.onProgress?.(rows);
    after = { createdAt: last!.createdAt, id: last!.id };
    if (n < pageSize) break;
  }
  return { rows };
}
