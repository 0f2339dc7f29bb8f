// The ticket's SLA summary (sla_due_at, sla_state), kept by triggers on sla_timers (migrations
// sla_queue_summary and sla_summary_only_on_change).
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { openDb, type Db } from '../client';

const T = Date.parse('2026-06-01T00:00:00Z');
const H = 3_600_000;
let db: Db;

function summary() {
  return db.$client.prepare('select sla_due_at as dueAt, sla_state as state from tickets where id = 1').get() as { dueAt: number | null; state: string | null };
}
const assigned = () => db.$client.prepare('select due, state from assigned').get() as { due: number; state: number };
const timer = (target: string, dueAt: number) =>
  db.$client
    .prepare(
      `insert into sla_timers (ticket_id, target, policy_id, policy_version, clock, started_at, budget_ms, due_at, paused_total_ms, state, warnings_fired, next_action_at, extension_step, updated_at)
       values (1, ?, (select min(id) from sla_policies), 1, 'calendar', ?, ?, ?, 0, 'running', 0, ?, 0, ?)`,
    )
    .run(target, T, dueAt - T, dueAt, dueAt, T);
const setTimer = (target: string, set: string) => db.$client.prepare(`update sla_timers set ${set} where ticket_id = 1 and target = ?`).run(target);

beforeEach(() => {
  db = openDb({ url: ':memory:', sync: 'normal' });
  const c = db.$client;
  ensureSlaPresets(db, new Date(T));
  c.prepare("insert into customers (name, created_at, updated_at) values ('c', 0, 0)").run();
  c.prepare(`insert into tickets (reference, kind, channel, status, priority, subject, customer_id, language, created_at, updated_at, last_message_at)
             values ('CMP-2026-000001', 'complaint', 'web', 'open', 'normal', 's', 1, 'zh', 0, 0, 0)`).run();
  // Counts the statements that assign each summary column: an assigned column rewrites every
  // queue index that holds it, changed or not.
  c.exec(`create temp table assigned (due integer, state integer);
          insert into assigned values (0, 0);
          create temp trigger count_due after update of sla_due_at on tickets begin update assigned set due = due + 1; end;
          create temp trigger count_state after update of sla_state on tickets begin update assigned set state = state + 1; end;`);
});

describe('the ticket SLA summary', () => {
  it('follows the timers: earliest running due time, then warning, breached', () => {
    timer('resolution', T + 48 * H);
    expect(summary()).toEqual({ dueAt: T + 48 * H, state: 'ok' });
    timer('acknowledge', T + 2 * H);
    expect(summary()).toEqual({ dueAt: T + 2 * H, state: 'ok' });
    setTimer('acknowledge', "state = 'met'");
    expect(summary()).toEqual({ dueAt: T + 48 * H, state: 'ok' });
    setTimer('resolution', 'warnings_fired = 1');
    expect(summary()).toEqual({ dueAt: T + 48 * H, state: 'warning' });
    setTimer('resolution', "state = 'breached'");
    expect(summary()).toEqual({ dueAt: T + 48 * H, state: 'breached' });
  });

  it('assigns a column only when its value changes', () => {
    timer('resolution', T + 48 * H);
    expect(assigned()).toEqual({ due: 1, state: 1 });
    // A later timer changes neither the earliest due time nor the state.
    timer('first_response', T + 72 * H);
    expect(assigned()).toEqual({ due: 1, state: 1 });
    // A warning changes the state only.
    setTimer('resolution', 'warnings_fired = 1');
    expect(assigned()).toEqual({ due: 1, state: 2 });
    setTimer('resolution', 'warnings_fired = 2');
    expect(assigned()).toEqual({ due: 1, state: 2 });
    // An extension moves the due time only.
    setTimer('resolution', `due_at = ${T + 96 * H}`);
    expect(assigned()).toEqual({ due: 2, state: 2 });
    expect(summary()).toEqual({ dueAt: T + 72 * H, state: 'warning' });
  });
});
