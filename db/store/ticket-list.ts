// The API's ticket list: filters, newest first, keyset pagination on (created_at, id) so a page
// deep in a million tickets costs the same as the first one (index tickets_created_idx, or
// tickets_status_created_idx when one status is asked for).
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../client';
import type { Cause, Channel, Priority, Product, TicketKind, TicketStatus } from '../constants';
import { customers, ticketFlags, tickets } from '../schema';
import type { TicketRow } from './tickets';

export interface TicketListFilter {
  status?: TicketStatus[];
  channel?: Channel[];
  kind?: TicketKind[];
  priority?: Priority[];
  product?: Product[];
  cause?: Cause[];
  /** A reference (exact) or words of the subject (substring). */
  q?: string;
}

export interface Keyset {
  createdAt: number;
  id: number;
}

function anyOf<T extends string>(column: Parameters<typeof eq>[0], values: T[] | undefined): SQL | undefined {
  if (!values || values.length === 0) return undefined;
  return values.length === 1 ? eq(column, values[0]) : inArray(column, values);
}

const WHOLE_REFERENCE = /^(CMP|FBK|ENQ)-\d{4}-\d{6,}$/i;

/** LIKE with the user's % and _ taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function listTickets(tx: Tx, filter: TicketListFilter, after: Keyset | null, limit: number): TicketRow[] {
  const conditions: (SQL | undefined)[] = [
    anyOf(tickets.status, filter.status),
    anyOf(tickets.channel, filter.channel),
    anyOf(tickets.kind, filter.kind),
    anyOf(tickets.priority, filter.priority),
    anyOf(tickets.product, filter.product),
    anyOf(tickets.cause, filter.cause),
  ];
  if (filter.q) {
    const q = filter.q.trim();
    // A whole reference is an exact, indexed lookup; anything else a substring of the subject
    // (a scan along the date index until the page is full: full-text search is the staff work's).
    conditions.push(
      WHOLE_REFERENCE.test(q)
        ? eq(tickets.reference, q.toUpperCase())
        : sql`${tickets.subject} like ${`%${escapeLike(q)}%`} escape '\\'`,
    );
  }
  if (after) {
    // A row value comparison, which SQLite turns into a range on the (created_at, id) index.
    conditions.push(sql`(${tickets.createdAt}, ${tickets.id}) < (${after.createdAt}, ${after.id})`);
  }
  return tx
    .select()
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit)
    .all();
}

export function flagsOfTickets(tx: Tx, ticketIds: number[]) {
  if (ticketIds.length === 0) return [];
  return tx.select().from(ticketFlags).where(inArray(ticketFlags.ticketId, ticketIds)).all();
}

export function customersByIds(tx: Tx, ids: number[]) {
  if (ids.length === 0) return [];
  return tx.select().from(customers).where(inArray(customers.id, ids)).all();
}

export function hasAnyTicket(tx: Tx): boolean {
  return tx.select({ id: tickets.id }).from(tickets).limit(1).get() !== undefined;
}
