// Figures for operations (/metrics, /healthz?details=1), read at scrape time. Each one goes
// through an index that holds only the rows it counts, so a scrape costs the size of the backlog,
// never of the history (EXPLAIN QUERY PLAN in db/store/operations.test.ts keeps it so).
import { sql } from 'drizzle-orm';
import type { Tx } from '../client';
import type { Channel, OutboxChannel } from '../constants';

export interface OutboxBacklog {
  channel: OutboxChannel;
  /** Rows not yet settled: queued, or claimed and being sent. */
  depth: number;
  /** When the oldest of them was queued. */
  oldestAt: Date;
}

// The status list is written exactly as in outbox_due_idx's WHERE, so the planner uses that
// partial index. It covers (channel, next_attempt_at, rowid): min(id) needs no table row, and
// ids rise with queueing time, so the smallest id is the oldest row; its created_at is one
// primary-key read.
export const OUTBOX_BACKLOG_SQL = `
  select b.channel as channel, b.depth as depth, o.created_at as oldestAt
  from (select channel, count(*) as depth, min(id) as oldest
        from outbox where status in ('queued', 'sending') group by channel) b
  join outbox o on o.id = b.oldest`;

export function outboxBacklog(tx: Tx): OutboxBacklog[] {
  return tx
    .all<{ channel: OutboxChannel; depth: number; oldestAt: number }>(sql.raw(OUTBOX_BACKLOG_SQL))
    .map((r) => ({ channel: r.channel, depth: r.depth, oldestAt: new Date(r.oldestAt) }));
}

// Through sla_timers_next_idx (running timers ordered by next instant): one index seek. Named,
// because without statistics the planner prefers sla_timers_state_idx and walks every running timer.
export const OLDEST_TIMER_SQL = `select min(next_action_at) as at from sla_timers indexed by sla_timers_next_idx where state = 'running'`;

/** The earliest next instant of any running SLA timer (due or not), or null when none. */
export function earliestTimerInstant(tx: Tx): Date | null {
  const at = tx.get<{ at: number | null }>(sql.raw(OLDEST_TIMER_SQL))?.at ?? null;
  return at === null ? null : new Date(at);
}

/** The cheapest query that proves the database answers. */
export function pingDatabase(tx: Tx): boolean {
  return tx.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
}

/** The channel of a stored message, or undefined when there is none (rolled back, or never written). */
export function messageChannel(tx: Tx, messageId: number): Channel | undefined {
  return tx.get<{ channel: Channel }>(sql`select channel from messages where id = ${messageId}`)?.channel;
}
