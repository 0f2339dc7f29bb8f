// The sweep: claims running timers whose next instant has come, through sla_timers_next_idx,
// in batches, and fires their warnings and breaches, each exactly once and at its true time
// (after downtime, a warning missed at 10:00 is written as 10:00). Each batch is one write
// transaction that re-reads its timers under the write lock and advances them with a guarded
// update, so an overlapping sweep finds nothing left to do and a crash rolls the batch back.
import { writeTransaction, type Tx } from '../../db/client';
import { activeStaff, dueTimerIds, sweepStatements, teamLead, ticketsForSla, timersByIds, type SlaTicket, type TimerRow } from '../../db/store/sla';
import { runHooks, type TicketContext } from '../tickets/context';
import { staffNotice } from './notices';
import { SlaRegistry } from './registry.server';
import { nextActionAt } from './schedule';
import { scheduleOfTimer } from './timers.server';

export interface SweepOptions {
  now: Date;
  batchSize?: number;
  /**
   * Email the assignee (or the team lead when unassigned) on each warning and breach. Escalation
   * rules, once they exist, hook 'sla.warning' and 'sla.breached' instead and can turn this off.
   */
  notifyStaff?: boolean;
}

export interface SweepResult {
  timers: number;
  warnings: number;
  breaches: number;
}

export function runSlaSweep(ctx: TicketContext, { now, batchSize = 500, notifyStaff = true }: SweepOptions): SweepResult {
  const result: SweepResult = { timers: 0, warnings: 0, breaches: 0 };
  for (;;) {
    const ids = dueTimerIds(ctx.db, now, batchSize);
    if (ids.length === 0) break;
    const fired = writeTransaction(ctx.db, (tx) => fireBatch(ctx, tx, ids, now, notifyStaff));
    result.timers += fired.timers;
    result.warnings += fired.warnings;
    result.breaches += fired.breaches;
    // A batch that advanced nothing was taken by another sweep; what it left is re-read next round.
    if (ids.length < batchSize) break;
  }
  return result;
}

function fireBatch(ctx: TicketContext, tx: Tx, ids: number[], now: Date, notifyStaff: boolean): SweepResult {
  const out: SweepResult = { timers: 0, warnings: 0, breaches: 0 };
  // Re-read under the write lock: another sweep may have handled some of these since the claim query.
  const rows = timersByIds(tx, ids).filter((r) => r.state === 'running' && r.nextActionAt !== null && r.nextActionAt <= now);
  if (rows.length === 0) return out;
  const reg = new SlaRegistry(tx);
  const tickets = new Map(ticketsForSla(tx, [...new Set(rows.map((r) => r.ticketId))]).map((t) => [t.id, t]));
  const write = sweepStatements(tx);
  const notifier = notifyStaff ? staffNotifier(ctx, tx, reg, write, now) : undefined;
  for (const row of rows) {
    const policy = reg.policy(row.policyId, row.policyVersion);
    const schedule = scheduleOfTimer(reg, row);
    const ticket = tickets.get(row.ticketId)!;
    let fired = row.warningsFired;
    const warned: Array<{ offset: string; at: Date }> = [];
    while (fired < schedule.warnings.length && schedule.warnings[fired]!.at <= now) warned.push(schedule.warnings[fired++]!);
    const breached = schedule.dueAt <= now;
    const ok = write.advanceTimer({
      id: row.id,
      previousWarnings: row.warningsFired,
      warningsFired: fired,
      breachedAt: breached ? schedule.dueAt : null,
      nextActionAt: breached ? null : nextActionAt(schedule, fired),
      now,
    });
    if (!ok) continue;
    out.timers++;
    const base = { target: row.target, policy: policy.key, dueAt: schedule.dueAt.toISOString() };
    for (const w of warned) {
      write.appendEvent({ ticketId: row.ticketId, type: 'sla.warning', data: { ...base, offset: w.offset }, at: w.at });
      runHooks(ctx, tx, { ticketId: row.ticketId, trigger: 'sla.warning', data: { ...base, offset: w.offset, at: w.at.toISOString() }, now });
      notifier?.(ticket, row, 'warning', schedule.dueAt, policy.name, w.offset);
      out.warnings++;
    }
    if (breached) {
      write.appendEvent({ ticketId: row.ticketId, type: 'sla.breached', data: base, at: schedule.dueAt });
      runHooks(ctx, tx, { ticketId: row.ticketId, trigger: 'sla.breached', data: { ...base, offset: 'due', at: schedule.dueAt.toISOString() }, now });
      notifier?.(ticket, row, 'breach', schedule.dueAt, policy.name);
      out.breaches++;
    }
  }
  return out;
}

/** Until escalation rules exist: one email to the assignee, or to the team lead when nobody is assigned. */
function staffNotifier(ctx: TicketContext, tx: Tx, reg: SlaRegistry, write: ReturnType<typeof sweepStatements>, now: Date) {
  const leads = new Map<number | null, ReturnType<typeof teamLead>>();
  return (ticket: SlaTicket, row: TimerRow, kind: 'warning' | 'breach', dueAt: Date, policyName: string, offset?: string) => {
    let to = ticket.assigneeId !== null ? activeStaff(tx, ticket.assigneeId) : undefined;
    if (!to) {
      if (!leads.has(ticket.teamId)) leads.set(ticket.teamId, teamLead(tx, ticket.teamId));
      to = leads.get(ticket.teamId);
    }
    if (!to) return;
    const policy = reg.policy(row.policyId, row.policyVersion);
    const { subject, body } = staffNotice({
      kind,
      reference: ticket.reference,
      subject: ticket.subject,
      target: row.target,
      offset,
      dueAt,
      policy: policyName,
      link: `${ctx.publicUrl}/staff/tickets/${ticket.id}`,
      language: to.language,
      zone: reg.calendar(policy.definition.calendar).zone,
    });
    write.queueStaffEmail({ recipient: to.email, subject, body, purpose: kind === 'warning' ? 'sla.warning' : 'sla.breach', ticketId: ticket.id, now });
  };
}

export interface Sweeper {
  /** Runs a sweep at once (also on start, so whatever was missed during downtime fires now). */
  tick(): SweepResult | undefined;
  stop(): void;
}

/** The server's periodic sweep. Sweeps never overlap within a process; across processes the SQL guard holds. */
export function startSlaSweeper(
  ctx: TicketContext,
  opts: { intervalMs: number; clock?: () => Date; notifyStaff?: boolean; onSweep?: (r: SweepResult) => void; onError?: (e: unknown) => void },
): Sweeper {
  const clock = opts.clock ?? (() => new Date());
  let running = false;
  const tick = () => {
    if (running) return undefined;
    running = true;
    try {
      const r = runSlaSweep(ctx, { now: clock(), notifyStaff: opts.notifyStaff });
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
