// Keeps the daily roll-ups (insight_daily_counts) in step with the tickets table, so reports
// over a million tickets read a few thousand roll-up cells instead of the tickets.
//
// The hook runs inside the transaction that opens a ticket: the count commits, or rolls back,
// with it. Tickets that existed before the hook was installed are counted by the backfill.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import { bumpDailyCount, rebuildDailyCounts, type RollupKey } from '../../db/store/insight';
import { findTicketById, type TicketRow } from '../../db/store/tickets';
import type { TicketHook } from '../tickets/context';
import { dayOf } from './early-warning';

export function rollupKeyOf(ticket: Pick<TicketRow, 'createdAt' | 'channel' | 'product' | 'cause' | 'kind' | 'teamId'>): RollupKey {
  return {
    day: dayOf(ticket.createdAt),
    channel: ticket.channel,
    product: ticket.product,
    cause: ticket.cause,
    kind: ticket.kind,
    teamId: ticket.teamId,
  };
}

/** The TicketHook that counts each new ticket; register it in the server's tickets.hooks. */
export function createRollupHook(): TicketHook {
  return (tx, change) => {
    if (change.trigger !== 'ticket.created') return;
    const ticket = findTicketById(tx, change.ticketId);
    if (ticket) bumpDailyCount(tx, rollupKeyOf(ticket));
  };
}

/**
 * For the work that reclassifies a ticket (triage changing its product, cause, kind or team):
 * call it in the same transaction with the ticket as it was and as it is, so the roll-ups keep
 * counting it once, in its current cell.
 */
export function moveTicketInRollups(tx: Tx, before: Parameters<typeof rollupKeyOf>[0], after: Parameters<typeof rollupKeyOf>[0]): void {
  const from = rollupKeyOf(before);
  const to = rollupKeyOf(after);
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  bumpDailyCount(tx, from, -1);
  bumpDailyCount(tx, to, 1);
}

/** Recounts every roll-up from the tickets; safe to run again at any time. */
export function backfillRollups(db: Db): { cells: number } {
  return { cells: writeTransaction(db, (tx) => rebuildDailyCounts(tx)) };
}
