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

export function runSlaSweep(ctx: TicketContext, { now, batchSize = 500 }: SweepOptions): SweepResult {
  const result: SweepResult = { timers: 0, warnings: 0, breaches: 0 };
  for (;;) {
    const ids = dueTimerIds(ctx.db, now, batchSize);
    if (ids.length === 0) break;
    const fired = writeTransaction(ctx.db, (tx) => fireBatch(ctx, tx, ids, now));
    result.timers += fired.timers;
    result.warnings += fired.warnings;
    result.breaches += fired.breaches;
    // A batch that advanced nothing was taken by another sweep; what it left is re-read next round.
    if (ids.length < batchSize) break;
  }
  return result;
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
  /** Runs a sweep at once (also on start, so whatever was missed during downtime fires now). */
  tick(): SweepResult | undefined;
  stop(): void;
}

/** The server's periodic sweep. Sweeps never overlap within a process; across processes the SQL guard holds. */
export function startSlaSweeper(
  ctx: TicketContext,
  opts: { intervalMs: number; clock?: () => Date; onSweep?: (r: SweepResult) => void; onError?: (e: unknown) => void },
): Sweeper {
  const clock = opts.clock ?? (() => new Date());
  let running = false;
  const tick = () => {
    if (running) return undefined;
    running = true;
    try {
      const r = runSlaSweep(ctx, { now: clock() });
      opts.onSweep?.(r);
      return r;
    } catch (error) {
      opts.onError?.(error);
      return undefined;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  setImmediate(tick);
  return { tick, stop: () => clearInterval(timer) };
}
