// Report figures over a small history counted by hand, read from the roll-ups the ticket hook
// keeps; the backfill recounts the same figures from the tickets.
import { describe, expect, it } from 'vitest';
import { backlogByAge, volumeBy, volumeByDay, volumeByWeek } from '../../app/insight/reports.server';
import { backfillRollups, moveTicketInRollups } from '../../app/insight/rollup.server';
import { changeStatus } from '../../app/tickets/status.server';
import { writeTransaction } from '../../db/client';
import { insightDailyCounts, insightDailyTotals, insightMonthlyCounts, tickets } from '../../db/schema';
import { eq } from 'drizzle-orm';
import { findTicketById } from '../../db/store/tickets';
import { insightContext, openComplaint } from '../support/insight-fixtures';

const at = (iso: string) => new Date(iso);

function history() {
  const ctx = insightContext();
  const ids: Record<string, number> = {};
  ids.w1 = openComplaint(ctx, { at: at('2026-03-02T12:00:00Z'), product: 'wealth', cause: 'mis_selling' }).ticketId;
  ids.w2 = openComplaint(ctx, { at: at('2026-03-02T13:00:00Z'), product: 'wealth', cause: 'mis_selling' }).ticketId;
  ids.sms = openComplaint(ctx, { at: at('2026-03-02T14:00:00Z'), product: 'cards', cause: 'fees', channel: 'sms' }).ticketId;
  ids.fb = openComplaint(ctx, { at: at('2026-03-04T12:00:00Z'), kind: 'feedback' }).ticketId;
  ids.w3 = openComplaint(ctx, { at: at('2026-03-07T12:00:00Z'), product: 'wealth', cause: 'service' }).ticketId;
  ids.enq = openComplaint(ctx, { at: at('2026-03-09T12:00:00Z'), product: 'loans', kind: 'enquiry' }).ticketId;
  for (const h of [10, 11, 12]) openComplaint(ctx, { at: at(`2026-03-10T${h}:00:00Z`), product: 'cards', cause: 'fraud' });
  // Outside the period, still open: the backlog's old end.
  openComplaint(ctx, { at: at('2026-01-15T00:00:00Z'), product: 'cards', cause: 'fees' });
  openComplaint(ctx, { at: at('2025-12-01T00:00:00Z'), product: 'cards', cause: 'fees' });
  return { ctx, ids };
}

const PERIOD = { from: '2026-03-02', to: '2026-03-11' };

describe('reports', () => {
  it('counts volumes by day, week, channel, product, cause and kind', () => {
    const { ctx } = history();
    expect(volumeByDay(ctx.db, PERIOD)).toEqual([
      { day: '2026-03-02', opened: 3 },
      { day: '2026-03-03', opened: 0 },
      { day: '2026-03-04', opened: 1 },
      { day: '2026-03-05', opened: 0 },
      { day: '2026-03-06', opened: 0 },
      { day: '2026-03-07', opened: 1 },
      { day: '2026-03-08', opened: 0 },
      { day: '2026-03-09', opened: 1 },
      { day: '2026-03-10', opened: 3 },
    ]);
    expect(volumeByWeek(ctx.db, PERIOD)).toEqual([
      { week: '2026-W10', opened: 5 },
      { week: '2026-W11', opened: 4 },
    ]);
    expect(volumeBy(ctx.db, PERIOD, 'channel')).toEqual([
      { value: 'web', opened: 8 },
      { value: 'sms', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, { ...PERIOD, kind: 'complaint' }, 'product')).toEqual([
      { value: 'cards', opened: 4 },
      { value: 'wealth', opened: 3 },
    ]);
    expect(volumeBy(ctx.db, PERIOD, 'product')).toEqual([
      { value: 'cards', opened: 4 },
      { value: 'wealth', opened: 3 },
      { value: null, opened: 1 },
      { value: 'loans', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, { ...PERIOD, product: 'cards' }, 'cause')).toEqual([
      { value: 'fraud', opened: 3 },
      { value: 'fees', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, PERIOD, 'kind')).toEqual([
      { value: 'complaint', opened: 7 },
      { value: 'enquiry', opened: 1 },
      { value: 'feedback', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, PERIOD, 'team')).toEqual([{ value: null, opened: 9 }]);
    expect(volumeByDay(ctx.db, { ...PERIOD, product: 'cards' }).filter((d) => d.opened > 0)).toEqual([
      { day: '2026-03-02', opened: 1 },
      { day: '2026-03-10', opened: 3 },
    ]);
    expect(volumeByDay(ctx.db, { ...PERIOD, cause: 'mis_selling', channel: 'web' }).filter((d) => d.opened > 0)).toEqual([
      { day: '2026-03-02', opened: 2 },
    ]);
    expect(volumeByDay(ctx.db, { ...PERIOD, channel: 'web', kind: 'complaint' }).filter((d) => d.opened > 0)).toEqual([
      { day: '2026-03-02', opened: 2 },
      { day: '2026-03-07', opened: 1 },
      { day: '2026-03-10', opened: 3 },
    ]);
  });

  it('adds whole months from the monthly cells to the days at either edge', () => {
    const { ctx } = history();
    // Whole months only (December to March), a head and a tail (10 Jan to 4 Mar), and both.
    expect(volumeBy(ctx.db, { from: '2025-12-01', to: '2026-04-01' }, 'product')).toEqual([
      { value: 'cards', opened: 6 },
      { value: 'wealth', opened: 3 },
      { value: null, opened: 1 },
      { value: 'loans', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, { from: '2026-01-10', to: '2026-03-05' }, 'cause')).toEqual([
      { value: 'fees', opened: 2 },
      { value: 'mis_selling', opened: 2 },
      { value: null, opened: 1 },
    ]);
    expect(volumeBy(ctx.db, { from: '2025-11-15', to: '2026-03-08', kind: 'complaint' }, 'channel')).toEqual([
      { value: 'web', opened: 5 },
      { value: 'sms', opened: 1 },
    ]);
    expect(volumeBy(ctx.db, { from: '2026-03-05', to: '2026-03-09' }, 'kind')).toEqual([{ value: 'complaint', opened: 1 }]);
  });

  it('ages the open backlog', () => {
    const { ctx, ids } = history();
    changeStatus(ctx, { ticketId: ids.sms!, to: 'resolved', actor: { type: 'staff' }, now: at('2026-03-03T00:00:00Z') });
    changeStatus(ctx, { ticketId: ids.fb!, to: 'closed', actor: { type: 'staff' }, now: at('2026-03-05T00:00:00Z') });
    changeStatus(ctx, { ticketId: ids.w3!, to: 'pending', actor: { type: 'staff' }, now: at('2026-03-08T00:00:00Z') });
    const now = at('2026-03-11T00:00:00Z');
    expect(backlogByAge(ctx.db, { now })).toEqual([
      { fromDays: 0, toDays: 3, open: 4 },
      { fromDays: 3, toDays: 8, open: 1 },
      { fromDays: 8, toDays: 15, open: 2 },
      { fromDays: 15, toDays: 31, open: 0 },
      { fromDays: 31, toDays: 57, open: 1 },
      { fromDays: 57, toDays: null, open: 1 },
    ]);
    expect(backlogByAge(ctx.db, { now, filter: { product: 'wealth' } }).map((b) => b.open)).toEqual([0, 1, 2, 0, 0, 0]);
  });

  it('keeps a reclassified ticket counted once, and the backfill recounts the same cells', () => {
    const { ctx, ids } = history();
    writeTransaction(ctx.db, (tx) => {
      const before = findTicketById(tx, ids.w1!)!;
      tx.update(tickets).set({ product: 'funds' }).where(eq(tickets.id, ids.w1!)).run();
      moveTicketInRollups(tx, before, findTicketById(tx, ids.w1!)!);
    });
    expect(volumeBy(ctx.db, { ...PERIOD, kind: 'complaint' }, 'product')).toEqual([
      { value: 'cards', opened: 4 },
      { value: 'wealth', opened: 2 },
      { value: 'funds', opened: 1 },
    ]);
    const cells = () =>
      [insightDailyCounts, insightDailyTotals, insightMonthlyCounts]
        .flatMap((table) => ctx.db.select().from(table).all())
        .filter((c) => c.opened !== 0)
        .map((c) => JSON.stringify(c))
        .sort();
    const kept = cells();
    backfillRollups(ctx.db);
    expect(cells()).toEqual(kept);
  });
});
