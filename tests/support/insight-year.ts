// A synthetic year of tickets for the insight benchmark and the backfill's equality test: five
// teams of eight agents, a CN-NFRA first-response timer (business clock) for every ticket and a
// resolution timer for every finished one (one in ten first responses late), a case review for
// half the finished complaints, a rating for a fifth of the finished tickets, a risk flag for 5%
// and an escalation for 5%. Seeded: the same count gives the same year in either mode.
//
// - 'bulk' writes each row as it ends up (a finished ticket inserted finished, a met timer
//   inserted met): the benchmark's million, with the insight triggers suspended and the facts
//   rebuilt by the backfill afterwards.
// - 'live' writes the same final rows the way the product does, so the triggers count them:
//   tickets opened, timers started, then met or breached, tickets resolved or escalated, then
//   reviews, ratings and flags; the met timers measured by the roll-up hook's own path.
import type { Statement } from 'better-sqlite3';
import { measureQueuedTimers } from '../../app/insight/rollup.server';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import type { Db } from '../../db/client';
import { CAUSES, CHANNELS, PRODUCTS } from '../../db/constants';
import { seededRandom } from './random';

const DAY_MS = 86_400_000;
const HOUR = 3_600_000;
export const YEAR_START = Date.parse('2025-12-01T00:00:00Z');
export const YEAR_NOW = new Date('2026-12-01T00:00:00Z');

const OUTCOMES = ['upheld', 'partly_upheld', 'not_upheld', 'withdrawn'] as const;
const ROOT_CAUSES = ['misleading_information', 'unsuitable_product', 'process_defect', 'staff_competence', 'system_failure', 'other'] as const;
const FLAGS = ['mis-selling', 'vulnerable', 'suitability-mismatch', 'repeat'] as const;
const LESSONS = ['销售时未充分揭示产品风险，需加强双录抽检', 'Fee disclosure was unclear on the statement', '客户风险评估已过期仍购买高风险产品', 'Reply templates for card disputes were out of date'];

interface TimerRow {
  target: 'first_response' | 'resolution';
  clock: 'business' | 'calendar';
  calendarName: string | null;
  budgetMs: number;
  dueAt: number;
  state: 'met' | 'breached';
  metAt: number;
  breachedAt: number | null;
  updatedAt: number;
}

export function generateInsightYear(
  db: Db,
  { tickets: n, mode, batch = 10_000, onBatch }: { tickets: number; mode: 'bulk' | 'live'; batch?: number; onBatch?: (done: number) => void },
): { teamIds: number[] } {
  const c = db.$client;
  const random = seededRandom(1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const now = YEAR_NOW.getTime();
  ensureSlaPresets(db, new Date(YEAR_START));
  const cnPolicy = Number(c.prepare("select id from sla_policies where key = 'cn-nfra'").pluck().get());
  const teamIds = [1, 2, 3, 4, 5].map((i) => Number(c.prepare('insert into teams (name, created_at) values (?, ?)').run(`Team ${i}`, YEAR_START).lastInsertRowid));
  const insertAgent = c.prepare(
    `insert into staff_users (email, name, role, team_id, language, password_hash, created_at) values (?, ?, 'agent', ?, 'zh', 'x', ?)`,
  );
  const agentsOf = new Map(
    teamIds.map((teamId) => [
      teamId,
      Array.from({ length: 8 }, (_, i) => Number(insertAgent.run(`agent-${teamId}-${i}@bench.example`, `坐席 ${teamId}-${i}`, teamId, YEAR_START).lastInsertRowid)),
    ]),
  );
  const s: Record<string, Statement> = {
    customer: c.prepare('insert into customers (name, language, created_at, updated_at) values (?, ?, ?, ?)'),
    ticket: c.prepare(`insert into tickets (reference, kind, channel, status, priority, product, cause, subject, customer_id, team_id, assignee_id,
      level, language, created_at, updated_at, last_message_at, resolved_at, closed_at) values (?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, 'zh', ?, ?, ?, ?, null)`),
    finish: c.prepare('update tickets set status = ?, resolved_at = ?, updated_at = ?, level = ? where id = ?'),
    message: c.prepare(`insert into messages (ticket_id, direction, channel, author_type, text, created_at) values (?, 'in', ?, 'client', ?, ?)`),
    timer: c.prepare(`insert into sla_timers (ticket_id, target, policy_id, policy_version, clock, calendar_name, started_at, budget_ms,
      due_at, state, met_at, breached_at, updated_at) values (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    endTimer: c.prepare('update sla_timers set state = ?, met_at = ?, breached_at = ?, updated_at = ? where id = ?'),
    review: c.prepare(`insert into case_reviews (ticket_id, outcome, redress_minor, currency, root_cause, lesson, created_at)
      values (?, ?, ?, 'CNY', ?, ?, ?)`),
    rating: c.prepare('insert into ratings (ticket_id, score, comment, created_at) values (?, ?, ?, ?)'),
    flag: c.prepare('insert into ticket_flags (ticket_id, flag, detail, created_at) values (?, ?, null, ?)'),
    ack: c.prepare(`insert into outbox (channel, recipient, body, purpose, ticket_id, status, next_attempt_at, created_at, sent_at)
      values ('email', 'x@example.com', 'ack', 'ack', ?, 'sent', ?, ?, ?)`),
  };
  const live = mode === 'live';
  const writeTimer = (ticketId: number, started: number, t: TimerRow) => {
    if (!live) {
      s.timer!.run(ticketId, t.target, cnPolicy, t.clock, t.calendarName, started, t.budgetMs, t.dueAt, t.state, t.metAt, t.breachedAt, t.updatedAt);
      return;
    }
    const id = s.timer!.run(ticketId, t.target, cnPolicy, t.clock, t.calendarName, started, t.budgetMs, t.dueAt, 'running', null, null, started).lastInsertRowid;
    s.endTimer!.run(t.state, t.metAt, t.breachedAt, t.updatedAt, id);
  };

  // Draws happen in one fixed order per ticket whatever the mode, so both modes write one year.
  const write = c.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const created = YEAR_START + Math.floor((i / n) * 365 * DAY_MS);
      const customerId = i % 3 === 0 || i < 3 ? Number(s.customer!.run('客户', 'zh', created, created).lastInsertRowid) : 1 + Math.floor(random() * (i / 3));
      const kind = random() < 0.8 ? 'complaint' : random() < 0.5 ? 'feedback' : 'enquiry';
      const channel = pick(CHANNELS);
      const age = now - created;
      const done = age > 30 * DAY_MS ? random() < 0.97 : random() < 0.5;
      const resolvedAt = done ? Math.min(created + Math.floor(random() * 40 * DAY_MS), now - 1) : null;
      const product = random() < 0.9 ? pick(PRODUCTS) : null;
      const cause = random() < 0.9 ? pick(CAUSES) : null;
      const teamId = random() < 0.9 ? pick(teamIds) : null;
      const agentId = teamId !== null && random() < 0.9 ? pick(agentsOf.get(teamId)!) : null;
      const level = random() < 0.05 ? (random() < 0.7 ? 1 : 2) : 0;
      // A finished ticket was last updated when it was resolved (an escalation is counted on that update).
      const updatedAt = resolvedAt ?? created;
      const status = done ? 'resolved' : 'open';
      const subject = '我买的"稳健"理财，结果亏了 12,000 元';
      const id = Number(
        (live
          ? s.ticket!.run(`CMP-B-${String(i).padStart(8, '0')}`, kind, channel, 'open', product, cause, subject, customerId, teamId, agentId, 0, created, created, created, null)
          : s.ticket!.run(`CMP-B-${String(i).padStart(8, '0')}`, kind, channel, status, product, cause, subject, customerId, teamId, agentId, level, created, updatedAt, created, resolvedAt)
        ).lastInsertRowid,
      );
      s.message!.run(id, channel, '详情', created);
      // First response on business hours: usually within the day, one in ten late.
      const firstLate = random() < 0.1;
      const firstTook = Math.floor((firstLate ? 10 + random() * 30 : random() * 8) * HOUR);
      writeTimer(id, created, {
        target: 'first_response',
        clock: 'business',
        calendarName: 'CN',
        budgetMs: 8.5 * HOUR,
        dueAt: created + 30 * HOUR,
        state: firstLate ? 'breached' : 'met',
        metAt: created + firstTook * 2,
        breachedAt: firstLate ? created + 30 * HOUR : null,
        updatedAt: created + firstTook * 2,
      });
      if (resolvedAt !== null) {
        const late = resolvedAt - created > 15 * DAY_MS;
        writeTimer(id, created, {
          target: 'resolution',
          clock: 'calendar',
          calendarName: null,
          budgetMs: 15 * DAY_MS,
          dueAt: created + 15 * DAY_MS,
          state: late ? 'breached' : 'met',
          metAt: resolvedAt,
          breachedAt: late ? created + 15 * DAY_MS : null,
          updatedAt: resolvedAt,
        });
      }
      if (live && (done || level > 0)) s.finish!.run(status, resolvedAt, updatedAt, level, id);
      if (resolvedAt !== null) {
        if (kind === 'complaint' && random() < 0.5) {
          const outcome = pick(OUTCOMES);
          const redress = outcome === 'upheld' || outcome === 'partly_upheld' ? Math.floor(random() * 2_000_000) : null;
          s.review!.run(id, outcome, redress, pick(ROOT_CAUSES), pick(LESSONS), resolvedAt);
        }
        if (random() < 0.2) s.rating!.run(id, 1 + Math.floor(random() * 5), random() < 0.3 ? '处理及时，谢谢' : null, resolvedAt + HOUR);
      }
      if (random() < 0.05) s.flag!.run(id, pick(FLAGS), created);
      if (random() < 0.7) s.ack!.run(id, created, created, created + 60_000);
    }
  });
  for (let i = 0; i < n; i += batch) {
    write(i, Math.min(n, i + batch));
    onBatch?.(Math.min(n, i + batch));
  }
  if (live) measureQueuedTimers(db);
  return { teamIds };
}
