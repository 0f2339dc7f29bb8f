// Status transitions: checked, stamped, logged as events, and handed to the hooks (SLA timers
// pause on pending and stop on resolved; rules react to status.changed and ticket.reopened).
import { writeTransaction, type Tx } from '../../db/client';
import type { ActorType, TicketStatus } from '../../db/constants';
import { appendEvent, findTicketById, touchTicket } from '../../db/store/tickets';
import { runHooks, type TicketContext } from './context';
import { Invalid, NotFound } from './errors';
import { canTransition } from './status';

export interface StatusChange {
  ticketId: number;
  to: TicketStatus;
  actor: { type: ActorType; id?: string | null };
  reason?: string | null;
  now: Date;
}

export function changeStatus(ctx: TicketContext, change: StatusChange): void {
  writeTransaction(ctx.db, (tx) => changeStatusInTx(ctx, tx, change));
}

/** For callers that change more in the same transaction (resolving with a case review). */
export function changeStatusInTx(ctx: TicketContext, tx: Tx, { ticketId, to, actor, reason, now }: StatusChange): void {
  const ticket = findTicketById(tx, ticketId);
  if (!ticket) throw new NotFound(`No ticket ${ticketId}`);
  if (ticket.status === to) return;
  if (!canTransition(ticket.status, to)) throw new Invalid(`A ${ticket.status} ticket cannot become ${to}`);
  const reopened = ticket.status === 'resolved' && to === 'open';
  touchTicket(tx, ticketId, {
    status: to,
    resolvedAt: to === 'resolved' ? now : reopened ? null : ticket.resolvedAt,
    closedAt: to === 'closed' ? now : ticket.closedAt,
    now,
  });
  appendEvent(tx, {
    ticketId,
    type: reopened ? 'ticket.reopened' : 'status.changed',
    actorType: actor.type,
    actorId: actor.id ?? null,
    data: { from: ticket.status, to, reason: reason ?? null },
    public: true,
    at: now,
  });
  runHooks(ctx, tx, { ticketId, trigger: reopened ? 'ticket.reopened' : 'status.changed', data: { from: ticket.status, to }, now });
}
