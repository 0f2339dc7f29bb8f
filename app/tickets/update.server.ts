// Changing a ticket's triage fields (status, priority, assignee, flags) in one transaction:
// each change that really changes something is logged as an event; asking for the current
// value is a no-op, so a retried request changes nothing the second time.
import { writeTransaction } from '../../db/client';
import type { ActorType, Priority, TicketStatus } from '../../db/constants';
import { findStaffById } from '../../db/store/staff';
import { addFlag, appendEvent, findTicketById, removeFlag, setTicketTriage } from '../../db/store/tickets';
import type { TicketContext } from './context';
import { Invalid, NotFound } from './errors';
import { changeStatusInTx } from './status.server';

export interface TicketUpdate {
  ticketId: number;
  status?: TicketStatus;
  statusReason?: string | null;
  priority?: Priority;
  /** A staff id, or null to unassign. */
  assigneeId?: number | null;
  addFlags?: { flag: string; detail?: string | null }[];
  removeFlags?: string[];
  actor: { type: ActorType; id?: string | null };
  now: Date;
}

/** The event types written, in order; empty when nothing changed. */
export function updateTicket(ctx: TicketContext, u: TicketUpdate): string[] {
  return writeTransaction(ctx.db, (tx) => {
    const ticket = findTicketById(tx, u.ticketId);
    if (!ticket) throw new NotFound(`No ticket ${u.ticketId}`);
    const written: string[] = [];
    const log = (type: string, data: Record<string, unknown>, isPublic = false) => {
      appendEvent(tx, { ticketId: ticket.id, type, actorType: u.actor.type, actorId: u.actor.id ?? null, data, public: isPublic, at: u.now });
      written.push(type);
    };

    if (u.assigneeId !== undefined && u.assigneeId !== ticket.assigneeId) {
      if (u.assigneeId !== null) {
        const staff = findStaffById(tx, u.assigneeId);
        if (!staff) throw new Invalid(`No staff member ${u.assigneeId}`, { assigneeId: ['unknown staff member'] });
        if (staff.disabledAt) throw new Invalid(`Staff member ${u.assigneeId} is disabled`, { assigneeId: ['account disabled'] });
      }
      setTicketTriage(tx, ticket.id, { assigneeId: u.assigneeId }, u.now);
      log('ticket.assigned', { from: ticket.assigneeId, to: u.assigneeId });
    }
    if (u.priority !== undefined && u.priority !== ticket.priority) {
      setTicketTriage(tx, ticket.id, { priority: u.priority }, u.now);
      log('priority.changed', { from: ticket.priority, to: u.priority });
    }
    for (const f of u.addFlags ?? []) {
      if (addFlag(tx, ticket.id, f.flag, f.detail ?? null, u.now)) log('flag.added', { flag: f.flag, detail: f.detail ?? null });
    }
    for (const flag of u.removeFlags ?? []) {
      if (removeFlag(tx, ticket.id, flag)) log('flag.removed', { flag });
    }
    // Status last: its hooks (SLA timers, rules) then see the ticket as the rest of the patch left it.
    if (u.status !== undefined && u.status !== ticket.status) {
      changeStatusInTx(ctx, tx, { ticketId: ticket.id, to: u.status, actor: u.actor, reason: u.statusReason ?? null, now: u.now });
      written.push('status.changed');
    }
    return written;
  });
}
