// A ticket that turns out to be the same case as another of the same customer joins it: its
// messages and attachments move into the target's thread (which is ordered by time, so they
// fall into place), its tracking links and the provider ids of its mail follow, so the client's
// next message threads into the target; the merged ticket is closed and records where it went.
// Closing it stops its SLA timers the way closing any ticket does (the SLA hook); the target
// keeps its own deadlines.
import { writeTransaction } from '../../db/client';
import { moveTicketThread } from '../../db/store/merge';
import { appendEvent, findTicketById, findTicketByReference, type TicketRow } from '../../db/store/tickets';
import type { TicketContext } from './context';
import { Invalid, NotFound } from './errors';
import { changeStatusInTx } from './status.server';

export interface MergeTicketInput {
  sourceId: number;
  targetReference: string;
  staff: { id: number; name: string };
  /** Whether the staff member may work on a ticket (their visibility): a ticket they may not see is "no such ticket". */
  mayTouch: (ticket: TicketRow) => boolean;
  now: Date;
}

const OPEN = new Set(['new', 'open', 'pending']);

export function mergeTicket(ctx: TicketContext, input: MergeTicketInput): { targetReference: string; messagesMoved: number; attachmentsMoved: number } {
  return writeTransaction(ctx.db, (tx) => {
    const source = findTicketById(tx, input.sourceId);
    if (!source || !input.mayTouch(source)) throw new NotFound('No such ticket');
    const reference = input.targetReference.trim().toUpperCase();
    const target = findTicketByReference(tx, reference);
    if (!target || !input.mayTouch(target)) throw new Invalid(`There is no ticket ${reference} that you can open.`);
    if (target.id === source.id) throw new Invalid('A ticket cannot be merged into itself.');
    if (target.customerId !== source.customerId) {
      throw new Invalid(`${target.reference} belongs to another customer. If they are the same person, merge the customers first.`);
    }
    if (!OPEN.has(source.status)) throw new Invalid(`This ticket is ${source.status}; only an open ticket can be merged.`);
    if (!OPEN.has(target.status)) throw new Invalid(`${target.reference} is ${target.status}; merge into an open ticket.`);
    const moved = moveTicketThread(tx, { fromId: source.id, intoId: target.id });
    const actor = { actorType: 'staff' as const, actorId: String(input.staff.id) };
    appendEvent(tx, {
      ticketId: source.id,
      type: 'ticket.merged',
      ...actor,
      data: { by: input.staff.name, into: target.reference, intoId: target.id, ...moved },
      at: input.now,
    });
    appendEvent(tx, {
      ticketId: target.id,
      type: 'ticket.merged_from',
      ...actor,
      data: { by: input.staff.name, from: source.reference, fromId: source.id, ...moved },
      at: input.now,
    });
    changeStatusInTx(ctx, tx, { ticketId: source.id, to: 'closed', actor: { type: 'staff', id: String(input.staff.id) }, reason: 'merged', now: input.now });
    return { targetReference: target.reference, ...moved };
  });
}
