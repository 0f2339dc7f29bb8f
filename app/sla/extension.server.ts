// Extensions of a deadline (CN-NFRA: 15 → 30 days for a complex case, then a further 30 with
// senior approval; UK-PSD2: 15 → 35 business days). A staff member with the right role records
// the step, the reason and the approver; the client is told, in their language, through the
// outbox, in the same transaction.
import { writeTransaction } from '../../db/client';
import type { Language } from '../../db/constants';
import { contactsOfCustomer } from '../../db/store/customers';
import { queueOutbox } from '../../db/store/outbox';
import { activeStaff, customerNameAndLanguage, timersOfTicket, updateTimerGuarded } from '../../db/store/sla';
import { appendEvent, findTicketById } from '../../db/store/tickets';
import type { TicketContext } from '../tickets/context';
import { Forbidden, Invalid, NotFound } from '../tickets/errors';
import { extensionNotice } from './notices';
import { catchUp } from './fire.server';
import { SlaRegistry } from './registry.server';
import { budgetOf, nextActionAt, scheduleOf } from './schedule';

export interface ExtensionInput {
  ticketId: number;
  step: number;
  reason: string;
  /** The staff member recording it, and the one who approved it (may be the same person if their role allows both). */
  recordedBy: number;
  approvedBy: number;
  now: Date;
}

export interface ExtensionResult {
  dueAt: Date;
  clientNotified: Array<'email' | 'sms'>;
}

export function extendDeadline(ctx: TicketContext, input: ExtensionInput): ExtensionResult {
  const reason = input.reason.trim();
  if (reason.length === 0) throw new Invalid('An extension needs a reason; the client will be told it.');
  return writeTransaction(ctx.db, (tx) => {
    const ticket = findTicketById(tx, input.ticketId);
    if (!ticket) throw new NotFound(`No ticket ${input.ticketId}`);
    const reg = new SlaRegistry(tx);
    const timers = timersOfTicket(tx, ticket.id);
    const anyTimer = timers[0];
    if (!anyTimer) throw new Invalid('This ticket has no SLA deadline to extend.');
    const policy = reg.policy(anyTimer.policyId, anyTimer.policyVersion);
    const step = policy.definition.extensionSteps.find((s) => s.step === input.step);
    if (!step) throw new Invalid(`The ${policy.name} policy has no extension step ${input.step}.`);
    const found = timers.find((t) => t.target === step.target);
    if (!found) throw new Invalid(`This ticket has no ${step.target} deadline.`);
    // A deadline that passed a moment ago, before the sweep saw it, is breached: write that first.
    const row = catchUp(ctx, tx, reg, found, input.now);
    if (row.extensionStep >= step.step) throw new Invalid(`Extension step ${step.step} is already recorded.`);
    if (row.extensionStep !== step.step - 1) throw new Invalid(`Extension step ${step.step - 1} must come first.`);
    if (row.metAt || row.state === 'met') throw new Invalid('The deadline has already been met.');
    if (row.state === 'breached') throw new Invalid('The deadline has passed; an extension must be recorded before it.');

    const recorder = activeStaff(tx, input.recordedBy);
    if (!recorder || !step.recordedBy.includes(recorder.role)) throw new Forbidden(`Recording this extension needs one of the roles: ${step.recordedBy.join(', ')}.`);
    const approver = activeStaff(tx, input.approvedBy);
    if (!approver) throw new Invalid('The approver is not an active staff member.');
    if (!step.approvedBy.includes(approver.role)) throw new Forbidden(`This extension must be approved by one of the roles: ${step.approvedBy.join(', ')}.`);

    const clock = reg.clock(row.clock, row.calendarName);
    const budgetMs = budgetOf(clock, row.startedAt, step.extendTo);
    if (budgetMs <= row.budgetMs) throw new Invalid('The extension must lengthen the deadline.');
    const pausedTotalMs = row.pausedTotalMs;
    const schedule = scheduleOf(clock, { startedAt: row.startedAt, budgetMs, pausedTotalMs }, reg.target(policy, row.target).warnings);
    // Warnings of the longer deadline that already lie in the past are not sent late: they were not due then.
    const warningsFired = schedule.warnings.filter((w) => w.at <= input.now).length;
    const paused = row.state === 'paused';
    updateTimerGuarded(tx, row, {
      budgetMs,
      dueAt: paused ? row.dueAt : schedule.dueAt,
      warningsFired,
      nextActionAt: paused ? null : nextActionAt(schedule, warningsFired),
      extensionStep: step.step,
      updatedAt: input.now,
    });
    // While paused, the stored due time is recomputed on resume; report the one it will have if resumed now.
    const dueAt = paused ? scheduleOf(clock, { startedAt: row.startedAt, budgetMs, pausedTotalMs }, []).dueAt : schedule.dueAt;

    const customer = customerNameAndLanguage(tx, ticket.customerId);
    // The language the client wrote this complaint in.
    const language: Language = ticket.language;
    const zone = reg.calendar(policy.definition.calendar).zone;
    const customerName = customer?.name ?? null;
    const notice = extensionNotice({ reference: ticket.reference, name: customerName, reason, newDueAt: dueAt, language, zone });
    const contacts = contactsOfCustomer(tx, ticket.customerId);
    const email = contacts.find((c) => c.kind === 'email' && !c.undeliverableAt);
    const phone = contacts.find((c) => c.kind === 'phone' && !c.optedOutAt);
    const clientNotified: Array<'email' | 'sms'> = [];
    if (email) {
      queueOutbox(tx, { channel: 'email', recipient: email.value, subject: notice.subject, body: notice.body, purpose: 'sla.extension', ticketId: ticket.id, now: input.now });
      clientNotified.push('email');
    } else if (phone) {
      queueOutbox(tx, { channel: 'sms', recipient: phone.value, body: notice.sms, purpose: 'sla.extension', ticketId: ticket.id, now: input.now });
      clientNotified.push('sms');
    }
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'sla.extended',
      actorType: 'staff',
      actorId: String(recorder.id),
      data: {
        target: row.target,
        policy: policy.key,
        step: step.step,
        name: step.name,
        reason,
        approverId: approver.id,
        previousDueAt: row.dueAt.toISOString(),
        dueAt: dueAt.toISOString(),
        clientNotified,
      },
      at: input.now,
    });
    return { dueAt, clientNotified };
  });
}
