// Report figures over a small history counted by hand, read from the roll-ups the ticket hook
// keeps; the backfill recounts the same figures from the tickets.
import { describe, expect, it } from 'vitest';
import {
  backlogByAge,
  outcomesReport,
  riskReport,
  satisfactionReport,
  slaReport,
  staffQuality,
  volumeBy,
  volumeByDay,
  volumeByWeek,
} from '../../app/insight/reports.server';
import { ratingComments, searchLessons } from '../../db/store/insight';
import { testContext } from '../support/ticket-context';
import { buildFactsFixture, COMMENT_A, LESSON_A, LESSON_A2, LESSON_B } from './facts-fixture';
import { backfillRollups } from '../../app/insight/rollup.server';
import { changeStatus } from '../../app/tickets/status.server';
import { writeTransaction } from '../../db/client';
import { insightDailyCounts, insightDailyTotals, insightMonthlyCounts, tickets } from '../../db/schema';
import { eq } from 'drizzle-orm';
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
    // Whoever reclassifies it (triage, a rule, the API), the trigger moves the count.
    writeTransaction(ctx.db, (tx) => tx.update(tickets).set({ product: 'funds' }).where(eq(tickets.id, ids.w1!)).run());
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

describe('report facts', () => {
  const MARCH = { from: '2026-03-01', to: '2026-04-01' };
  const H = 3_600_000;

  it('counts SLA targets met and late, their business and calendar times, and breaches by team', () => {
    const ctx = testContext();
    const f = buildFactsFixture(ctx);
    const sla = slaReport(ctx.db, MARCH);
    expect(sla.byTarget).toEqual([
      { target: 'first_response', met: 1, late: 1, share: 0.5 },
      { target: 'resolution', met: 1, late: 1, share: 0.5 },
    ]);
    expect(sla.byPolicy.map((p) => [p.target, p.met, p.late])).toEqual([
      ['first_response', 1, 1],
      ['resolution', 1, 1],
    ]);
    // First response: 2 and 14 business hours → buckets "up to 2 h" and "up to 16 h".
    // Resolution: 72 h and 18 calendar days → "up to 3 days" and "up to 21 days".
    expect(sla.times).toEqual([
      { target: 'first_response', n: 2, median: 2 * H, p90: 16 * H },
      { target: 'resolution', n: 2, median: 72 * H, p90: 21 * 24 * H },
    ]);
    // B breached its first response (3 Mar) and its resolution (17 Mar); A breached nothing.
    expect(sla.breachesByTeam).toEqual([{ teamId: f.cards, breaches: 2 }]);
    expect(slaReport(ctx.db, { ...MARCH, teamId: f.wealth }).byTarget).toEqual([
      { target: 'first_response', met: 1, late: 0, share: 1 },
      { target: 'resolution', met: 1, late: 0, share: 1 },
    ]);
    // Before B's late reply (4 Mar) only A's reply was measured.
    expect(slaReport(ctx.db, { from: '2026-03-02', to: '2026-03-04' }).times).toEqual([{ target: 'first_response', n: 1, median: 2 * H, p90: 2 * H }]);
  });

  it('reads outcomes from each ticket’s latest case review, with redress and root causes', () => {
    const ctx = testContext();
    buildFactsFixture(ctx);
    expect(outcomesReport(ctx.db, MARCH)).toEqual({
      reviews: 2,
      upheld: 1,
      upheldRate: 0.5,
      byOutcome: [
        { outcome: 'not_upheld', n: 1 },
        { outcome: 'partly_upheld', n: 1 },
      ],
      redressByProduct: [
        { product: 'wealth', reviews: 1, redressMinor: 500_000 },
        { product: 'cards', reviews: 1, redressMinor: 0 },
      ],
      rootCauses: [
        { rootCause: 'misleading_information', n: 1 },
        { rootCause: 'process_defect', n: 1 },
      ],
    });
    // 2–7 March: A's first review was replaced on 8 March, so nothing counts in that span.
    expect(outcomesReport(ctx.db, { from: '2026-03-02', to: '2026-03-08' }).reviews).toBe(0);
    const march = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z'), filter: {}, limit: 10 };
    // Three characters or more: the trigram index; fewer: a plain substring match.
    expect(searchLessons(ctx.db, { ...march, query: '不保本' }).map((l) => l.lesson)).toEqual([LESSON_A]);
    expect(searchLessons(ctx.db, { ...march, query: '保本' }).map((l) => l.lesson)).toEqual([LESSON_A]);
    expect(searchLessons(ctx.db, { ...march, query: 'RISK' }).map((l) => l.lesson)).toEqual([LESSON_A2, LESSON_A]);
    expect(searchLessons(ctx.db, { ...march, query: 'fee', filter: { product: 'wealth' } })).toEqual([]);
    expect(searchLessons(ctx.db, march).map((l) => l.lesson)).toEqual([LESSON_B, LESSON_A2, LESSON_A]);
  });

  it('counts escalations by level, risk signals, and suitability mismatches by product and sales channel', () => {
    const ctx = testContext();
    buildFactsFixture(ctx);
    expect(riskReport(ctx.db, MARCH)).toEqual({
      escalationsByLevel: [
        { level: 1, n: 1 },
        { level: 2, n: 1 },
      ],
      flags: [
        { flag: 'suitability-mismatch', n: 1 },
        { flag: 'vulnerable', n: 1 },
      ],
      suitabilityByProduct: [{ product: 'wealth', n: 1 }],
      suitabilityBySalesChannel: [{ salesChannel: '网点', n: 1 }],
    });
    expect(riskReport(ctx.db, { ...MARCH, cause: 'fees' }).flags).toEqual([{ flag: 'vulnerable', n: 1 }]);
  });

  it('averages ratings by team and agent and measures staff quality', () => {
    const ctx = testContext();
    const f = buildFactsFixture(ctx);
    const sat = satisfactionReport(ctx.db, MARCH);
    expect(sat).toEqual({
      ratings: 2,
      average: 3.5,
      byScore: [
        { score: 5, n: 1 },
        { score: 2, n: 1 },
      ],
      byTeam: expect.arrayContaining([
        { teamId: f.wealth, ratings: 1, average: 2 },
        { teamId: f.cards, ratings: 1, average: 5 },
      ]),
    });
    expect(staffQuality(ctx.db, MARCH)).toEqual([
      { agentId: f.agent1, handled: 1, reopened: 1, reopenedRate: 1, breaches: 0, ratings: 1, averageRating: 2 },
      { agentId: f.agent2, handled: 1, reopened: 0, reopenedRate: 0, breaches: 2, ratings: 1, averageRating: 5 },
    ]);
    expect(staffQuality(ctx.db, { ...MARCH, teamId: f.cards }).map((a) => a.agentId)).toEqual([f.agent2]);
    const comments = ratingComments(ctx.db, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z'), filter: {}, limit: 10 });
    expect(comments.map((c) => [c.comment, c.score, c.assigneeId])).toEqual([
      ['Quick, clear', 5, f.agent2],
      [COMMENT_A, 2, f.agent1],
    ]);
  });

  it('recounts the facts from the source tables in the backfill, except the history they do not keep', () => {
    const ctx = testContext();
    buildFactsFixture(ctx);
    const sla = slaReport(ctx.db, MARCH);
    const before = [outcomesReport(ctx.db, MARCH), satisfactionReport(ctx.db, MARCH), sla.breachesByTeam, sla.times[0]];
    const risk = riskReport(ctx.db, MARCH);
    backfillRollups(ctx.db);
    const after = slaReport(ctx.db, MARCH);
    expect([outcomesReport(ctx.db, MARCH), satisfactionReport(ctx.db, MARCH), after.breachesByTeam, after.times[0]]).toEqual(before);
    expect(riskReport(ctx.db, MARCH)).toEqual({
      ...risk,
      // The tickets keep only their current level, and A's reopening cleared its resolution's met time.
      escalationsByLevel: [{ level: 2, n: 1 }],
    });
    expect(after.byTarget.find((t) => t.target === 'resolution')).toEqual({ target: 'resolution', met: 0, late: 1, share: 0 });
  });
});
