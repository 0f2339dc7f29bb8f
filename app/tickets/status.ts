// Which status changes a ticket allows. Pure, shared by the staff UI (to offer only valid
// actions) and by changeStatus (to refuse the rest).
import type { TicketStatus } from '../../db/constants';

const ALLOWED: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'resolved', 'closed'],
  open: ['pending', 'resolved', 'closed'],
  pending: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function nextStatuses(from: TicketStatus): readonly TicketStatus[] {
  return ALLOWED[from];
}
