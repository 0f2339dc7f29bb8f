// The sweep: claims running timers whose next instant has come, through sla_timers_next_idx,
// in batches, and fires their warnings and breaches, each exactly once and at its true time
// (after downtime, a warning missed at 10:00 is written as 10:00). Each batch is one write
// transaction that re-reads its timers under the write lock and advances them with a guarded
// update, so an overlapping sweep finds nothing left to do and a crash rolls the batch back.
import { writeTransaction, type Tx } from '../../db/client';
import { dueTimerIds, sweepStatements, timersByIds } from '../../db/store/sla';
import type { TicketContext } from '../tickets/context';
import { fireDueActions, isOverdue } from './fire.server';
import { SlaRegistry } from './registry.server';

export interface SweepOptions {
  now: Date;
  batchSize?: number;
}

export interface SweepResult {
  timers: number;
  warnings: number;
  breaches: number;
}

/** Sweeps everything due at `now`, batch after batch, before it returns (the CLI's `sla:tick`). */
export function runSlaSweep(ctx: TicketContext, { now, batchSize = 500 }: SweepOptions): SweepResult {
  const result: SweepResult = { timers: 0, warnings: 0, breaches: 0 };
  for (;;) {
    const batch = sweepBatch(ctx, { now, batchSize });
    result.timers += batch.timers;
    result.warnings += batch.warnings;
    result.breaches += batch.breaches;
    if (!batch.more) break;
  }
  return result;
}

/**
 * One batch: claims up to `batchSize` due timers and fires them in one write transaction.
 * `more` says a full batch was claimed, so more may be waiting.
 */
export function sweepBatch(ctx: TicketContext, { now, batchSize = 500 }: SweepOptions): SweepResult & { more: boolean } {
  const ids = dueTimerIds(ctx.db, now, batchSize);
  if (ids.length === 0) return { timers: 0, warnings: 0, breaches: 0, more: false };
  const fired = writeTransaction(ctx.db, (tx) => fireBatch(ctx, tx, ids, now));
  // A batch that advanced nothing was taken by another sweep; what it left is re-read next round.
  return { ...fired, more: ids.length === batchSize };
}

function fireBatch(ctx: TicketContext, tx: Tx, ids: number[], now: Date): SweepResult {
  const out: SweepResult = { timers: 0, warnings: 0, breaches: 0 };
  // Re-read under the write lock: another sweep may have handled some of these since the claim query.
  const rows = timersByIds(tx, ids).filter((r) => isOverdue(r, now));
  if (rows.length === 0) return out;
  const reg = new SlaRegistry(tx);
  const write = sweepStatements(tx);
  for (const row of rows) {
    const fired = fireDueActions(ctx, tx, reg, row, now, write);
    if (!fired) continue;
    out.timers++;
    out.warnings += fired.warnings;
    if (fired.breached) out.breaches++;
  }
  return out;
}

export interface Sweeper {
  /** Runs a batch at once (also on start, so whatever was missed during downtime fires now, batch by batch). */
  tick(): SweepResult | undefined;
  stop(): void;
}

/**
 * Timers the server fires per batch. Each due timer runs every ticket hook (the escalation rules
 * above all), so a batch holds the event loop for a while: small batches with a yield between
 * them keep webhooks and pages answering while a backlog (after downtime) is worked off.
 */
export const SERVER_SWEEP_BATCH = 50;

/**
 * The server's periodic sweep, one batch at a time: after a full batch the next runs on the
 * following turn of the event loop, so requests are served in between. Sweeps never overlap
 * within a process; across processes the SQL guard holds.
 */
export function startSlaSweeper(
  ctx: TicketContext,
  opts: { intervalMs: number; batchSize?: number; clock?: () => Date; onSweep?: (r: SweepResult) => void; onError?: (e: unknown) => void },
): Sweeper {
  const clock = opts.clock ?? (() => new Date());
  const batchSize = opts.batchSize ?? SERVER_SWEEP_BATCH;
  let running = false;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return undefined;
    running = true;
    let more = false;
    try {
      const { more: full, ...r } = sweepBatch(ctx, { now: clock(), batchSize });
      more = full;
      opts.onSweep?.(r);
      return r;
    } catch (error) {
      opts.onError?.(error);
      return undefined;
    } finally {
      running = false;
      if (more && !stopped) setImmediate(tick);
    }
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  setImmediate(tick);
  return {
    tick,
    stop: () => {
      // The batch in hand (synchronous) is already finished; no further one starts.
      stopped = true;
      clearInterval(timer);
    },
  };
}
