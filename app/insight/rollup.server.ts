// Keeps the roll-ups in step with the tickets, so reports over a million tickets read a few
// thousand roll-up cells instead of the tickets. Triggers (migrations insight_custom and
// insight_facts) count openings, reclassifications and most facts in the writing statement;
// this module measures SLA times (which need the business calendar) and rebuilds everything
// from the source tables (the backfill), for history from before the roll-ups existed.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import { bumpFact, dequeueTimers, queuedTimers, rebuildDailyCounts, rebuildFacts, type MetTimer, type RollupKey, type TimerMeasure } from '../../db/store/insight';
import type { TicketRow } from '../../db/store/tickets';
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
 * The TicketHook that measures the SLA targets met in the change (a trigger queued them);
 * register it after the SLA hook in the server's tickets.hooks. Opening and reclassifying
 * tickets is counted by triggers on the tickets table (migration insight_facts).
 */
export function createRollupHook(): TicketHook {
  return (tx) => {
    measureMetTimers(tx);
  };
}

/** How long a met timer took on its own clock, less its paused time, and the histogram bucket it falls in. */
function measureTimer(reg: SlaRegistry, t: MetTimer): TimerMeasure {
  const took = Math.max(0, measureOnClock(reg.clock(t.clock, t.calendarName), new Date(t.startedAt), new Date(t.metAt)) - t.pausedTotalMs);
  return { took, bucket: timeBucketOf(took) };
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
      const { took, bucket } = measureTimer(reg, { ...t, metAt: t.metAt });
      const cell = { day: dayOf(metAt), product: t.product ?? '', teamId: t.teamId ?? 0 };
      const late = t.state === 'breached';
      bumpFact(tx, { measure: 'sla', item: `${t.target}:${t.policyId}:${late ? 'late' : 'met'}`, channel: t.channel, cause: '*', ...cell, n: 1, total: took });
      // Not split by channel or cause: a histogram per combination would outnumber the timers.
      bumpFact(tx, { measure: 'time', item: `${t.target}:${bucket}`, channel: '*', cause: '*', ...cell, n: 1, total: took });
    }
  }
  dequeueTimers(
    tx,
    queued.map((t) => t.timerId),
  );
  return queued.length;
}

/**
 * Recounts every roll-up and fact from the tickets and their history, set by set (the met timers
 * measured on their clocks here, counted in SQL); safe to run again at any time.
 */
export function backfillRollups(db: Db): { cells: number } {
  return {
    cells: writeTransaction(db, (tx) => {
      const reg = new SlaRegistry(tx);
      rebuildFacts(tx, { measure: (t) => measureTimer(reg, t) });
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
