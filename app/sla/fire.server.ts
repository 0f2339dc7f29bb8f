// Firing what has come due on one timer: every warning whose instant has passed and the breach
// at the due time, each written with its own true time and handed to the ticket hooks. People
// hear of it only through the escalation rules (the hook that acts on sla.warning and
// sla.breached), so one event is one notice per person. The sweep calls it for each timer
// it claims; timer changes call it first for a timer whose next instant passed before the
// sweep got to it, so a pause or a resolution never swallows a warning or breach already due.
import type { Tx } from '../../db/client';
import { sweepStatements, type TimerRow } from '../../db/store/sla';
import { runHooks, type TicketContext } from '../tickets/context';
import type { SlaRegistry } from './registry.server';
import { nextActionAt, scheduleOf, type Schedule } from './schedule';

export function scheduleOfTimer(reg: SlaRegistry, row: TimerRow, pausedTotalMs = row.pausedTotalMs): Schedule {
  const policy = reg.policy(row.policyId, row.policyVersion);
  return scheduleOf(
    reg.clock(row.clock, row.calendarName),
    { startedAt: row.startedAt, budgetMs: row.budgetMs, pausedTotalMs },
    reg.target(policy, row.target).warnings,
  );
}

export type SweepWriter = ReturnType<typeof sweepStatements>;

export interface FireResult {
  row: TimerRow;
  warnings: number;
  breached: boolean;
}

export function isOverdue(row: TimerRow, now: Date): boolean {
  return row.state === 'running' && row.nextActionAt !== null && row.nextActionAt <= now;
}

export function fireDueActions(
  ctx: TicketContext,
  tx: Tx,
  reg: SlaRegistry,
  row: TimerRow,
  now: Date,
  write: SweepWriter,
): FireResult | undefined {
  if (!isOverdue(row, now)) return undefined;
  const policy = reg.policy(row.policyId, row.policyVersion);
  const schedule = scheduleOfTimer(reg, row);
  let fired = row.warningsFired;
  const warned: Array<{ offset: string; at: Date }> = [];
  while (fired < schedule.warnings.length && schedule.warnings[fired]!.at <= now) warned.push(schedule.warnings[fired++]!);
  const breached = schedule.dueAt <= now;
  const next = breached ? null : nextActionAt(schedule, fired);
  const ok = write.advanceTimer({ id: row.id, previousWarnings: row.warningsFired, warningsFired: fired, breachedAt: breached ? schedule.dueAt : null, nextActionAt: next, now });
  if (!ok) return undefined;
  const base = { target: row.target, policy: policy.key, dueAt: schedule.dueAt.toISOString() };
  for (const w of warned) {
    write.appendEvent({ ticketId: row.ticketId, type: 'sla.warning', data: { ...base, offset: w.offset }, at: w.at });
    runHooks(ctx, tx, { ticketId: row.ticketId, trigger: 'sla.warning', data: { ...base, offset: w.offset, at: w.at.toISOString() }, now });
  }
  if (breached) {
    write.appendEvent({ ticketId: row.ticketId, type: 'sla.breached', data: base, at: schedule.dueAt });
    runHooks(ctx, tx, { ticketId: row.ticketId, trigger: 'sla.breached', data: { ...base, offset: 'due', at: schedule.dueAt.toISOString() }, now });
  }
  const updated: TimerRow = {
    ...row,
    warningsFired: fired,
    state: breached ? 'breached' : row.state,
    breachedAt: breached ? schedule.dueAt : row.breachedAt,
    nextActionAt: next,
    updatedAt: now,
  };
  return { row: updated, warnings: warned.length, breached };
}

/** Fires what one timer has overdue before something else changes it; returns the timer as it now stands. */
export function catchUp(ctx: TicketContext, tx: Tx, reg: SlaRegistry, row: TimerRow, now: Date): TimerRow {
  if (!isOverdue(row, now)) return row;
  return fireDueActions(ctx, tx, reg, row, now, sweepStatements(tx))?.row ?? row;
}
