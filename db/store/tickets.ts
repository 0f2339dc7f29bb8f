// Ticket, message, attachment, event and tracking-token writes and the reads that intake and
// the portal need. Every function takes the transaction it runs in.
import { and, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import { insertReturning, insertRow, preparedFor, type Tx } from '../client';
import type { ActorType, Channel, MessageDirection, TicketStatus } from '../constants';
import { attachments, events, messages, referenceCounters, ticketFlags, tickets, trackingTokens } from '../schema';

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type NewAttachment = typeof attachments.$inferInsert;
export type EventRow = typeof events.$inferSelect;

/** Next number in the (prefix, year) sequence. Runs inside the write transaction, so no two tickets share one. */
export function nextReferenceNumber(tx: Tx, prefix: string, year: number): number {
  const next = preparedFor(tx, 'next-reference', (t) =>
    t
      .insert(referenceCounters)
      .values({ prefix: sql.placeholder('prefix'), year: sql.placeholder('year'), last: 1 })
      .onConflictDoUpdate({
        target: [referenceCounters.prefix, referenceCounters.year],
        set: { last: sql`${referenceCounters.last} + 1` },
      })
      .returning({ last: referenceCounters.last })
      .prepare(),
  );
  return next.get({ prefix, year })!.last;
}

export function insertTicket(tx: Tx, values: NewTicket): TicketRow {
  return insertReturning(tx, tickets, values)!;
}

/** The rules re-read the ticket after each action, so this one is prepared per handle. */
export function findTicketById(tx: Tx, id: number): TicketRow | undefined {
  return preparedFor(tx, 'ticket-by-id', (t) =>
    t
      .select()
      .from(tickets)
      .where(eq(tickets.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
}

export function findTicketByReference(tx: Tx, reference: string): TicketRow | undefined {
  return preparedFor(tx, 'ticket-by-reference', (t) =>
    t
      .select()
      .from(tickets)
      .where(eq(tickets.reference, sql.placeholder('reference')))
      .prepare(),
  ).get({ reference });
}

/** The customer's most recent ticket that is open, or resolved since `resolvedSince`. */
export function findRecentOpenTicket(tx: Tx, customerId: number, resolvedSince: Date): TicketRow | undefined {
  return tx
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.customerId, customerId),
        or(
          inArray(tickets.status, ['new', 'open', 'pending']),
          and(eq(tickets.status, 'resolved'), gte(tickets.resolvedAt, resolvedSince)),
        ),
      ),
    )
    .orderBy(desc(tickets.lastMessageAt))
    .limit(1)
    .get();
}

export function findMessageByProviderId(tx: Tx, channel: Channel, providerMessageId: string): MessageRow | undefined {
  return preparedFor(tx, 'message-by-provider-id', (t) =>
    t
      .select()
      .from(messages)
      .where(and(eq(messages.channel, sql.placeholder('channel')), eq(messages.providerMessageId, sql.placeholder('providerMessageId'))))
      .prepare(),
  ).get({ channel, providerMessageId });
}

export function insertMessage(tx: Tx, values: NewMessage): MessageRow {
  return insertReturning(tx, messages, values)!;
}

export function insertAttachments(tx: Tx, rows: NewAttachment[]): void {
  for (const row of rows) insertRow(tx, attachments, row);
}

export interface EventInput {
  ticketId: number;
  type: string;
  actorType: ActorType;
  actorId?: string | null;
  data?: Record<string, unknown>;
  public?: boolean;
  at: Date;
}

/** Events are append-only: this module has no function that updates or deletes one. */
export function appendEvent(tx: Tx, e: EventInput): void {
  insertRow(tx, events, {
    ticketId: e.ticketId,
    type: e.type,
    actorType: e.actorType,
    actorId: e.actorId ?? null,
    data: JSON.stringify(e.data ?? {}),
    public: e.public ?? false,
    at: e.at,
  });
}

export function touchTicket(
  tx: Tx,
  ticketId: number,
  patch: { status?: TicketStatus; lastMessageAt?: Date; resolvedAt?: Date | null; closedAt?: Date | null; now: Date },
): void {
  const { now, ...rest } = patch;
  tx.update(tickets)
    .set({ ...rest, updatedAt: now })
    .where(eq(tickets.id, ticketId))
    .run();
}

export function insertTrackingToken(tx: Tx, ticketId: number, tokenHash: string, now: Date): void {
  insertRow(tx, trackingTokens, { tokenHash, ticketId, createdAt: now });
}

export function findTicketIdByTokenHash(tx: Tx, tokenHash: string): number | undefined {
  return tx
    .select({ ticketId: trackingTokens.ticketId })
    .from(trackingTokens)
    .where(eq(trackingTokens.tokenHash, tokenHash))
    .get()?.ticketId;
}

export function addFlag(tx: Tx, ticketId: number, flag: string, detail: string | null, now: Date): boolean {
  return insertRow(tx, ticketFlags, { ticketId, flag, detail, createdAt: now }, { ignoreConflict: true });
}

export function flagsOf(tx: Tx, ticketId: number) {
  return preparedFor(tx, 'flags-of', (t) =>
    t
      .select()
      .from(ticketFlags)
      .where(eq(ticketFlags.ticketId, sql.placeholder('ticketId')))
      .prepare(),
  ).all({ ticketId });
}

/** A ticket's messages in order, all of them or those of the given directions (the rules read the inbound ones on every event). */
export function messagesOf(tx: Tx, ticketId: number, directions?: MessageDirection[]): MessageRow[] {
  const rows = preparedFor(tx, 'messages-of', (t) =>
    t
      .select()
      .from(messages)
      .where(eq(messages.ticketId, sql.placeholder('ticketId')))
      .orderBy(messages.id)
      .prepare(),
  ).all({ ticketId });
  return directions ? rows.filter((m) => directions.includes(m.direction)) : rows;
}

export function attachmentsOfTicket(tx: Tx, ticketId: number) {
  return tx.select().from(attachments).where(eq(attachments.ticketId, ticketId)).orderBy(attachments.id).all();
}

export function eventsOf(tx: Tx, ticketId: number, onlyPublic = false) {
  return tx
    .select()
    .from(events)
    .where(onlyPublic ? and(eq(events.ticketId, ticketId), eq(events.public, true)) : eq(events.ticketId, ticketId))
    .orderBy(events.id)
    .all();
}

/** The ticket of the first message, in or out, whose provider id (email Message-ID) is among `ids`. */
export function findTicketIdByMessageIds(tx: Tx, ids: string[]): number | undefined {
  if (ids.length === 0) return undefined;
  return tx
    .select({ ticketId: messages.ticketId })
    .from(messages)
    .where(and(eq(messages.channel, 'email'), inArray(messages.providerMessageId, ids.slice(0, 50))))
    .orderBy(desc(messages.id))
    .limit(1)
    .get()?.ticketId;
}

/** Priority and assignment, the triage fields that have no transition rules of their own. */
export function setTicketTriage(
  tx: Tx,
  ticketId: number,
  patch: { priority?: TicketRow['priority']; assigneeId?: number | null },
  now: Date,
): void {
  tx.update(tickets)
    .set({ ...patch, updatedAt: now })
    .where(eq(tickets.id, ticketId))
    .run();
}

export function removeFlag(tx: Tx, ticketId: number, flag: string): boolean {
  return tx.delete(ticketFlags).where(and(eq(ticketFlags.ticketId, ticketId), eq(ticketFlags.flag, flag))).run().changes > 0;
}

/** Reply addresses carry a prefix of the tracking token's hash (never the token): range scan on the primary key. */
export function findTicketIdByTokenHashPrefix(tx: Tx, prefix: string): number | undefined {
  if (!/^[0-9a-f]{32}$/.test(prefix)) return undefined;
  return tx
    .select({ ticketId: trackingTokens.ticketId })
    .from(trackingTokens)
    .where(and(gte(trackingTokens.tokenHash, prefix), lt(trackingTokens.tokenHash, `${prefix}g`)))
    .limit(1)
    .get()?.ticketId;
}

export function trackingTokenHashOfTicket(tx: Tx, ticketId: number): string | undefined {
  return tx
    .select({ tokenHash: trackingTokens.tokenHash })
    .from(trackingTokens)
    .where(eq(trackingTokens.ticketId, ticketId))
    .orderBy(trackingTokens.createdAt)
    .limit(1)
    .get()?.tokenHash;
}
