// A month with two complaints whose SLA, outcome, satisfaction, risk and staff figures are worked
// out by hand in reports.test.ts and shown on the page in reports-page.test.ts. Everything goes
// through the domain's own paths (intake with the SLA and roll-up hooks, replies, status
// changes, the triage store's reviews, ratings and levels), so the triggers see real writes.
//
// Shanghai business hours are 09:00–12:00 and 13:30–17:30 (app/sla/presets.ts, CN calendar).
//   A  wealth / mis_selling, team Wealth, agent 1. Received Mon 2 Mar 09:00 (+08). Flagged
//      suitability-mismatch (the client holds a wealth product sold at a branch). Escalated to
//      level 1 on 3 Mar and to level 2 on 4 Mar. Replied 11:00: first response met on time after
//      2 business hours. Resolved Thu 5 Mar 09:00: resolution met on time after 72 calendar hours.
//      Reviewed upheld (redress 12,000.50) on 5 Mar, reviewed again partly upheld (5,000.00) on
//      8 Mar after being reopened on 6 Mar; rated 2 on 6 Mar.
//   B  cards / fees, team Cards, agent 2. Received Mon 2 Mar 10:00 (+08), flagged vulnerable.
//      Replied Wed 4 Mar 10:00: first response late (due 3 Mar 17:30), after 2 + 4 + 7 + 1 = 14
//      business hours. Resolved Fri 20 Mar 10:00: resolution late (due 17 Mar), 18 calendar days.
//      Reviewed not upheld on 20 Mar; rated 5 on 21 Mar.
import { createRollupHook } from '../../app/insight/rollup.server';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { withSlaHook } from '../../app/sla/timers.server';
import type { TicketContext } from '../../app/tickets/context';
import { intake } from '../../app/tickets/intake.server';
import { replyToClient } from '../../app/tickets/reply.server';
import { changeStatus } from '../../app/tickets/status.server';
import { writeTransaction } from '../../db/client';
import { customerHoldings, tickets } from '../../db/schema';
import { findOrCreateTeam } from '../../db/store/staff';
import { addFlag } from '../../db/store/tickets';
import { insertCaseReview, insertRating, setTicketLevel } from '../../db/store/triage';
import { eq } from 'drizzle-orm';
import { addStaff } from '../support/insight-fixtures';
import { webMessage } from '../support/ticket-context';

const at = (iso: string) => new Date(iso);

export const LESSON_A = '销售人员未说明理财产品不保本, explain the risk level before the sale';
export const LESSON_A2 = 'Check the risk profile is current before any wealth sale';
export const LESSON_B = 'Fee schedule was clear; reply faster to fee questions';
export const COMMENT_A = '不满意，处理太慢, and nobody called';
/** A's subject: Chinese, quotes and commas, for the CSV round trip. */
export const SUBJECT_A = '我买的"稳健"理财，结果亏了 12,000 元, and "nobody" told me';

/** Sets the fixture up in `ctx` (whose hooks get the SLA and roll-up hooks, in the server's order). */
export function buildFactsFixture(ctx: TicketContext) {
  withSlaHook(ctx);
  ctx.hooks.push(createRollupHook());
  ensureSlaPresets(ctx.db, at('2026-03-01T00:00:00Z'));
  const agent1 = addStaff(ctx.db, { email: 'an@bank.example', role: 'agent', language: 'zh' });
  const agent2 = addStaff(ctx.db, { email: 'bo@bank.example', role: 'agent', language: 'zh' });
  const reviewer = addStaff(ctx.db, { email: 'cc@bank.example', role: 'compliance', language: 'zh' });
  const wealth = writeTransaction(ctx.db, (tx) => findOrCreateTeam(tx, 'Wealth', at('2026-03-01T00:00:00Z')));
  const cards = writeTransaction(ctx.db, (tx) => findOrCreateTeam(tx, 'Cards', at('2026-03-01T00:00:00Z')));

  const open = (iso: string, fields: { product: 'wealth' | 'cards'; cause: 'mis_selling' | 'fees' }, teamId: number, agentId: number, email: string, subject?: string) => {
    const r = intake(ctx, webMessage({ sender: { name: '客户', email }, subject, text: '投诉内容', receivedAt: at(iso) }), { kind: 'complaint', ...fields });
    ctx.db.update(tickets).set({ teamId, assigneeId: agentId }).where(eq(tickets.id, r.ticketId)).run();
    return r;
  };
  const a = open('2026-03-02T09:00:00+08:00', { product: 'wealth', cause: 'mis_selling' }, wealth, agent1, 'a-client@example.com', SUBJECT_A);
  const b = open('2026-03-02T10:00:00+08:00', { product: 'cards', cause: 'fees' }, cards, agent2, 'b-client@example.com');
  const customerA = ctx.db.select({ id: tickets.customerId }).from(tickets).where(eq(tickets.id, a.ticketId)).get()!.id;
  ctx.db
    .insert(customerHoldings)
    .values({ customerId: customerA, productCode: 'WM-01', name: '稳健理财', type: 'wealth', riskLevel: 'R4', salesChannel: '网点', updatedAt: at('2026-01-01T00:00:00Z') })
    .run();
  writeTransaction(ctx.db, (tx) => {
    addFlag(tx, a.ticketId, 'suitability-mismatch', 'WM-01 (R4) above C2', at('2026-03-02T01:00:00Z'));
    addFlag(tx, b.ticketId, 'vulnerable', 'age 70', at('2026-03-02T02:00:00Z'));
  });
  writeTransaction(ctx.db, (tx) => setTicketLevel(tx, a.ticketId, 1, at('2026-03-03T02:00:00Z')));
  writeTransaction(ctx.db, (tx) => setTicketLevel(tx, a.ticketId, 2, at('2026-03-04T02:00:00Z')));

  const staff = (id: number) => ({ type: 'staff' as const, id: String(id) });
  replyToClient(ctx, { ticketId: a.ticketId, text: '我们正在处理。', author: { type: 'staff', staffId: agent1 }, now: at('2026-03-02T11:00:00+08:00') });
  replyToClient(ctx, { ticketId: b.ticketId, text: 'We are on it.', author: { type: 'staff', staffId: agent2 }, now: at('2026-03-04T10:00:00+08:00') });
  changeStatus(ctx, { ticketId: a.ticketId, to: 'resolved', actor: staff(agent1), now: at('2026-03-05T09:00:00+08:00') });
  const review = (ticketId: number, outcome: string, redressMinor: number | null, rootCause: string, lesson: string, now: string) =>
    writeTransaction(ctx.db, (tx) =>
      insertCaseReview(tx, { ticketId, outcome, redressMinor, currency: redressMinor === null ? null : 'CNY', rootCause, lesson, reviewerId: reviewer, now: at(now) }),
    );
  review(a.ticketId, 'upheld', 1_200_050, 'misleading_information', LESSON_A, '2026-03-05T03:00:00Z');
  writeTransaction(ctx.db, (tx) => insertRating(tx, { ticketId: a.ticketId, score: 2, comment: COMMENT_A, now: at('2026-03-06T01:00:00Z') }));
  changeStatus(ctx, { ticketId: a.ticketId, to: 'open', actor: staff(agent1), now: at('2026-03-06T02:00:00Z') });
  review(a.ticketId, 'partly_upheld', 500_000, 'misleading_information', LESSON_A2, '2026-03-08T03:00:00Z');

  changeStatus(ctx, { ticketId: b.ticketId, to: 'resolved', actor: staff(agent2), now: at('2026-03-20T10:00:00+08:00') });
  review(b.ticketId, 'not_upheld', null, 'process_defect', LESSON_B, '2026-03-20T03:00:00Z');
  writeTransaction(ctx.db, (tx) => insertRating(tx, { ticketId: b.ticketId, score: 5, comment: 'Quick, clear', now: at('2026-03-21T01:00:00Z') }));
  return { a, b, agent1, agent2, wealth, cards };
}
