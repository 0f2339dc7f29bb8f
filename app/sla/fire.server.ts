// Firing what has come due on one timer: every warning whose instant has passed and the breach
// at the due time, each written with its own true time, handed to the ticket hooks, and (until
// escalation rules exist) told to the assignee or team lead. The sweep calls it for each timer
// it claims; timer changes call it first for a timer whose next instant passed before the
// sweep got to it, so a pause or a resolution never swallows a warning or breach already due.
import type { Tx } from '../../db/client';
import { activeStaff, sweepStatements, teamLead, ticketsForSla, type SlaTicket, type TimerRow } from '../../db/store/sla';
import { runHooks, type TicketContext } from '../tickets/context';
import { staffNotice } from './notices';
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
export type Notifier = (ticket: SlaTicket, row: TimerRow, kind: 'warning' | 'breach', dueAt: Date, offset?: string) => void;

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
  ticket: SlaTicket,
  now: Date,
  write: SweepWriter,
  notify: Notifier | undefined,
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
    notify?.(ticket, row, 'warning', schedule.dueAt, w.offset);
  }
  if (breached) {
    write.appendEvent({ ticketId: row.ticketId, type: 'sla.breached', data: base, at: schedule.dueAt });
    runHooks(ctx, tx, { ticketId: row.ticketId, trigger: 'sla.breached', data: { ...base, offset: 'due', at: schedule.dueAt.toISOString() }, now });
    notify?.(ticket, row, 'breach', schedule.dueAt);
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

/** Until escalation rules exist: one email to the assignee, or to the team lead when nobody is assigned. */
export function staffNotifier(ctx: TicketContext, tx: Tx, reg: SlaRegistry, write: SweepWriter, now: Date): Notifier {
  const leads = new Map<number | null, ReturnType<typeof teamLead>>();
  return (ticket, row, kind, dueAt, offset) => {
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
      policy: policy.name,
      link: `${ctx.publicUrl}/staff/tickets/${ticket.id}`,
      language: to.language,
      zone: reg.calendar(policy.definition.calendar).zone,
    });
    write.queueStaffEmail({ recipient: to.email, subject, body, purpose: kind === 'warning' ? 'sla.warning' : 'sla.breach', ticketId: ticket.id, now });
  };
}

/** Fires what one timer has overdue before something else changes it; returns the timer as it now stands. */
export function catchUp(ctx: TicketContext, tx: Tx, reg: SlaRegistry, row: TimerRow, now: Date): TimerRow {
  if (!isOverdue(row, now)) return row;
  const ticket = ticketsForSla(tx, [row.ticketId])[0]!;
  const write = sweepStatements(tx);
  return fireDueActions(ctx, tx, reg, row, ticket, now, write, staffNotifier(ctx, tx, reg, write, now))?.row ?? row;
}
