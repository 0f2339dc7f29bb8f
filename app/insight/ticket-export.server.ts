// The regulator's CSV of tickets opened in a period, streamed: the tickets are read in keyset
// pages of `pageSize` rows (each page through better-sqlite3's iterate(), finished before any
// await, so the shared connection is never held busy while the file waits), and each page is
// written with backpressure. Memory stays flat however many rows the period holds.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../../db/client';
import { countTicketsCreatedBetween, iterateExportPage, type ExportRow } from '../../db/store/insight';
import { BOM, csvRow, plainText, type CsvValue } from './csv';

const DAY_MS = 86_400_000;

/**
 * Calendar days a complaint may take. China's rules for banks and insurers give 15 days for a
 * decision; the FCA gives 8 weeks (56). Business days wait for the SLA engine's calendars.
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
  'root_cause',
] as const;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * One ticket's CSV values. Fields the model cannot know yet stay empty rather than guessed:
 * age band and vulnerability (no customer attributes), business days (no SLA calendars), outcome,
 * redress and root cause (no case reviews). `calendar_days` is elapsed time to resolution in days.
 */
export function exportValues(row: ExportRow, { now, limitDays }: { now: Date; limitDays: number }): CsvValue[] {
  const finished = row.resolvedAt ?? row.closedAt;
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
    null,
    null,
    iso(row.acknowledgedAt),
    iso(finished),
    null,
    elapsedDays === null ? null : elapsedDays.toFixed(1),
    within,
    null,
    null,
    null,
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
  let after: { createdAt: number; id: number } | null = null;
  let rows = 0;
  for (;;) {
    let chunk = '';
    let last: ExportRow | undefined;
    const n = iterateExportPage(db, { from: opts.from, to: opts.to, after, limit: pageSize }, (row) => {
      chunk += csvRow(exportValues(row, { now: opts.now, limitDays }));
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
