// Two customers who are one person (known by two numbers or addresses) become one: every
// ticket, contact, holding and the risk profile move to the kept customer, and every ticket of
// the merged person records who merged what. Who may merge is the caller's check (the route's
// guard); this module refuses only what makes no sense.
import { writeTransaction } from '../../db/client';
import { customerSummary, moveCustomerRecords, ticketIdsOfCustomer } from '../../db/store/merge';
import { appendEvent } from '../../db/store/tickets';
import type { TicketContext } from './context';
import { Invalid } from './errors';

export interface MergeCustomersInput {
  /** The customer that stays (the one of the ticket the staff member is working on). */
  keepId: number;
  /** The customer that disappears into it. */
  mergeId: number;
  staff: { id: number; name: string };
  now: Date;
}

export interface MergeCustomersResult {
  ticketsMoved: number;
  contactsMoved: number;
  holdingsMoved: number;
}

export function mergeCustomers(ctx: TicketContext, input: MergeCustomersInput): MergeCustomersResult {
  if (input.keepId === input.mergeId) throw new Invalid('That is the same customer: there is nothing to merge.');
  return writeTransaction(ctx.db, (tx) => {
    const kept = customerSummary(tx, input.keepId);
    const merged = customerSummary(tx, input.mergeId);
    if (!kept || !merged) throw new Invalid('No such customer.');
    const moved = moveCustomerRecords(tx, { fromId: merged.id, intoId: kept.id, now: input.now });
    const describe = (c: typeof kept) => ({ id: c.id, name: c.name, customerNumber: c.customerNumber, contacts: c.contacts.map((x) => x.value) });
    // After the move every ticket of both people is the kept customer's: each one records the merge.
    for (const ticketId of ticketIdsOfCustomer(tx, kept.id)) {
      appendEvent(tx, {
        ticketId,
        type: 'customer.merged',
        actorType: 'staff',
        actorId: String(input.staff.id),
        data: { by: input.staff.name, kept: describe(kept), merged: describe(merged), ...moved },
        at: input.now,
      });
    }
    return moved;
  });
}
