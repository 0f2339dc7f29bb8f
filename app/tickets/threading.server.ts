// Which ticket a message continues. Hints are tried in the order the translator gave them;
// a hint that names a ticket counts only when it proves the sender may write to it.
import type { ThreadHint } from '../../channels/types';
import type { Tx } from '../../db/client';
import { findCustomerIdsByContacts, type ContactInput } from '../../db/store/customers';
import { findTicketIdByOutboxProviderIds } from '../../db/store/outbox';
import {
  findRecentOpenTicket,
  findTicketById,
  findTicketByReference,
  findTicketIdByTokenHash,
  findTicketIdByTokenHashPrefix,
  findTicketIdByMessageIds,
  type TicketRow,
} from '../../db/store/tickets';
import { hashToken } from './tracking-token.server';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ThreadQuery {
  hints: ThreadHint[];
  contacts: ContactInput[];
  now: Date;
  /** False for automated mail: it may join a thread but never opens a ticket of its own. */
  allowNew: boolean;
}

export interface ThreadDecision {
  ticket?: TicketRow;
  /** Which hint decided, for the event log. */
  via?: ThreadHint['kind'];
}

/** Closed tickets are finished: a message quoting one opens a new ticket. */
function joinable(t: TicketRow | undefined): t is TicketRow {
  return t !== undefined && t.status !== 'closed';
}

export function resolveThread(tx: Tx, q: ThreadQuery): ThreadDecision {
  const senderCustomers = new Set(findCustomerIdsByContacts(tx, q.contacts).values());
  for (const hint of q.hints) {
    const ticket = ticketForHint(tx, hint, senderCustomers, q.now);
    if (joinable(ticket)) return { ticket, via: hint.kind };
  }
  return {};
}

function ticketForHint(tx: Tx, hint: ThreadHint, senderCustomers: Set<number>, now: Date): TicketRow | undefined {
  switch (hint.kind) {
    case 'tracking-token': {
      const id = findTicketIdByTokenHash(tx, hashToken(hint.token));
      return id === undefined ? undefined : findTicketById(tx, id);
    }
    case 'message-ids': {
      // Replies carry a message row; an acknowledgement has only its outbox row.
      const id = findTicketIdByMessageIds(tx, hint.ids) ?? findTicketIdByOutboxProviderIds(tx, hint.ids);
      return id === undefined ? undefined : findTicketById(tx, id);
    }
    case 'reply-token': {
      // reply+<token>@ addresses carry the first 32 hex digits of the tracking token's hash:
      // whoever holds the address may write to the thread, as with the tracking link.
      const id = findTicketIdByTokenHashPrefix(tx, hint.token);
      return id === undefined ? undefined : findTicketById(tx, id);
    }
    case 'reference': {
      const ticket = findTicketByReference(tx, hint.reference.toUpperCase());
      // A stranger quoting someone's reference never joins their thread.
      return ticket && senderCustomers.has(ticket.customerId) ? ticket : undefined;
    }
    case 'recent-open': {
      for (const customerId of senderCustomers) {
        const t = findRecentOpenTicket(tx, customerId, new Date(now.getTime() - hint.withinDays * DAY_MS));
        if (t) return t;
      }
      return undefined;
    }
  }
}
