// Keeps the daily roll-ups (insight_daily_counts) in step with the tickets table, so reports
// over a million tickets read a few thousand roll-up cells instead of the tickets.
//
// The hook runs inside the transaction that opens a ticket: the count commits, or rolls back,
// with it. Tickets that existed before the hook was installed are counted by the backfill.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import { bumpDailyCount, bumpFact, dequeueTimers, queuedTimers, rebuildDailyCounts, rebuildFacts, type RollupKey } from '../../db/store/insight';
import { findTicketById, type TicketRow } from '../../db/store/tickets';
import { SlaRegistry } from '../sla/registry.server';
import { measureOnClock } from '../sla/schedule';
import type { TicketHook } from '../tickets/context';
import { dayOf } from './early-warning';
import { timeBucketOf } from './sla-times';

export function rollupKeyOf(ticket: Pick<TicketRow, 'createdAt' | 'channel' | 'product' | 'cause' | 'kind' | 'teamId'>): RollupKey {
  return {
    day: dayOf(ticket.createdAt),
    channel: ticket.channel,
    product: ticket.product,
    cause: ticket.cause,
    kind: ticket.kind,
    teamId: ticket.teamId,
  };
}

/**
 * The TicketHook that counts each new ticket and measures the SLA targets met in the change
 * (queued by a trigger); register it after the SLA hook in the server's tickets.hooks.
 */
export function createRollupHook(): TicketHook {
  return (tx, change) => {
    if (change.trigger === 'ticket.created') {
      const ticket = findTicketById(tx, change.ticketId);
      if (ticket) bumpDailyCount(tx, rollupKeyOf(ticket));
    }
    measureMetTimers(tx);
  };
}

/**
 * Measures timers that met their target (the trigger insight_timer_met queued them) on their own
 * clock, and counts each as met or late per target and policy, and in the time histogram. Runs
 * in the caller's transaction; returns how many it measured. Timers met outside a ticket hook
 * (the acknowledgement's delivery) wait for the next hook or the insight scheduler.
 */
export function measureMetTimers(tx: Tx, limit = 10_000): number {
  const queued = queuedTimers(tx, limit);
  if (queued.length === 0) return 0;
  const reg = new SlaRegistry(tx);
  for (const t of queued) {
    if (t.metAt !== null) {
      const metAt = new Date(t.metAt);
      const took = Math.max(0, measureOnClock(reg.clock(t.clock, t.calendarName), new Date(t.startedAt), metAt) - t.pausedTotalMs);
      const cell = { day: dayOf(metAt), product: t.product ?? '', teamId: t.teamId ?? 0 };
      const late = t.state === 'breached';
      bumpFact(tx, { measure: 'sla', item: `${t.target}:${t.policyId}:${late ? 'late' : 'met'}`, channel: t.channel, cause: '*', ...cell, n: 1, total: took });
      // Not split by channel or cause: a histogram per combination would outnumber the timers.
      bumpFact(tx, { measure: 'time', item: `${t.target}:${timeBucketOf(took)}`, channel: '*', cause: '*', ...cell, n: 1, total: took });
    }
  }
  dequeueTimers(
    tx,
    queued.map((t) => t.timerId),
  );
  return queued.length;
}

/**
 * For the work that reclassifies a ticket (triage changing its product, cause, kind or team):
 * call it in the same transaction with the ticket as it was and as it is, so the roll-ups keep
 * counting it once, in its current cell.
 */
export function moveTicketInRollups(tx: Tx, before: Parameters<typeof rollupKeyOf>[0], after: Parameters<typeof rollupKeyOf>[0]): void {
  const from = rollupKeyOf(before);
  const to = rollupKeyOf(after);
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  bumpDailyCount(tx, from, -1);
  bumpDailyCount(tx, to, 1);
}

/** Recounts every roll-up and fact from the tickets and their history; safe to run again at any time. */
export function backfillRollups(db: Db): { cells: number } {
  return {
    cells: writeTransaction(db, (tx) => {
      rebuildFacts(tx);
      while (measureMetTimers(tx) > 0);
      return rebuildDailyCounts(tx);
    }),
  };
}

/** Measures queued timers in batches of their own transactions (the insight scheduler calls it). */
export function measureQueuedTimers(db: Db): number {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = writeTransaction(db, (tx) => measureMetTimers(tx, 2_000));
  return total;
}
