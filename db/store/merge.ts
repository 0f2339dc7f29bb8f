// The SQL of the two merges staff do in the workspace: one customer into another (the same
// person known by two numbers or addresses) and one ticket into another of the same customer.
// Each function is one step of a caller's transaction.
import { and, asc, desc, eq, inArray, isNotNull, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../client';
import {
  attachments,
  customerContacts,
  customerHoldings,
  customerProfiles,
  customers,
  events,
  messages,
  outbox,
  smsKeywordMessages,
  tickets,
  trackingTokens,
} from '../schema';

/** A customer by their customer number, or by one of their email addresses or (E.164) phone numbers. */
export function findCustomerByIdentifier(tx: Tx, input: { customerNumber: string; email: string; phone: string | null }) {
  const byNumber = tx.select({ id: customers.id }).from(customers).where(eq(customers.customerNumber, input.customerNumber)).get();
  if (byNumber) return byNumber.id;
  const contact = tx
    .select({ customerId: customerContacts.customerId })
    .from(customerContacts)
    .where(
      or(
        and(eq(customerContacts.kind, 'email'), eq(customerContacts.value, input.email)),
        input.phone ? and(eq(customerContacts.kind, 'phone'), eq(customerContacts.value, input.phone)) : sql`0`,
      ),
    )
    .get();
  return contact?.customerId;
}

/** What the confirmation step shows of a customer. */
export function customerSummary(tx: Tx, customerId: number) {
  const customer = tx.select().from(customers).where(eq(customers.id, customerId)).get();
  if (!customer) return undefined;
  const contacts = tx
    .select({ kind: customerContacts.kind, value: customerContacts.value })
    .from(customerContacts)
    .where(eq(customerContacts.customerId, customerId))
    .orderBy(asc(customerContacts.id))
    .all();
  const ticketCount = tx.get<{ n: number }>(sql`select count(*) as n from tickets where customer_id = ${customerId}`)?.n ?? 0;
  return { id: customer.id, name: customer.name, customerNumber: customer.customerNumber, contacts, ticketCount };
}

export function ticketIdsOfCustomer(tx: Tx, customerId: number): number[] {
  return tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.customerId, customerId)).all().map((r) => r.id);
}

/**
 * Moves everything that belongs to `fromId` onto `intoId`: tickets, contacts, SMS keyword
 * history, holdings (the kept customer's row wins for a product both hold) and the risk profile
 * (only when the kept customer has none). The kept customer takes the other's name and customer
 * number when it has none; the emptied customer row stays, so old references to it still resolve.
 */
export function moveCustomerRecords(tx: Tx, input: { fromId: number; intoId: number; now: Date }) {
  const { fromId, intoId, now } = input;
  const ticketsMoved = tx.update(tickets).set({ customerId: intoId, updatedAt: now }).where(eq(tickets.customerId, fromId)).run().changes;
  const contactsMoved = tx.update(customerContacts).set({ customerId: intoId }).where(eq(customerContacts.customerId, fromId)).run().changes;
  tx.update(smsKeywordMessages).set({ customerId: intoId }).where(eq(smsKeywordMessages.customerId, fromId)).run();
  const kept = new Set(
    tx.select({ code: customerHoldings.productCode }).from(customerHoldings).where(eq(customerHoldings.customerId, intoId)).all().map((h) => h.code),
  );
  const theirs = tx.select().from(customerHoldings).where(eq(customerHoldings.customerId, fromId)).all();
  const duplicates = theirs.filter((h) => kept.has(h.productCode)).map((h) => h.id);
  if (duplicates.length > 0) tx.delete(customerHoldings).where(inArray(customerHoldings.id, duplicates)).run();
  tx.update(customerHoldings).set({ customerId: intoId }).where(eq(customerHoldings.customerId, fromId)).run();
  const hasProfile = tx.select({ id: customerProfiles.customerId }).from(customerProfiles).where(eq(customerProfiles.customerId, intoId)).get();
  if (hasProfile) tx.delete(customerProfiles).where(eq(customerProfiles.customerId, fromId)).run();
  else tx.update(customerProfiles).set({ customerId: intoId }).where(eq(customerProfiles.customerId, fromId)).run();

  const from = tx.select().from(customers).where(eq(customers.id, fromId)).get()!;
  const into = tx.select().from(customers).where(eq(customers.id, intoId)).get()!;
  // The customer number is unique: free it on the merged row before the kept one takes it.
  if (from.customerNumber && !into.customerNumber) tx.update(customers).set({ customerNumber: null, updatedAt: now }).where(eq(customers.id, fromId)).run();
  tx.update(customers)
    .set({
      name: into.name ?? from.name,
      customerNumber: into.customerNumber ?? from.customerNumber,
      language: into.language ?? from.language,
      updatedAt: now,
    })
    .where(eq(customers.id, intoId))
    .run();
  return { ticketsMoved, contactsMoved, holdingsMoved: theirs.length - duplicates.length };
}

/**
 * Moves a ticket's thread onto another ticket: its messages, their attachments, its outbox
 * rows that carry a message or a provider id (so a reply to any mail of the thread finds the
 * target), its tracking tokens (the client's link now shows the continuing case) and its flags.
 */
export function moveTicketThread(tx: Tx, input: { fromId: number; intoId: number }) {
  const { fromId, intoId } = input;
  // Attachments are indexed by message, not by ticket: reach them through the messages, before those move.
  const attachmentsMoved = tx
    .update(attachments)
    .set({ ticketId: intoId })
    .where(inArray(attachments.messageId, tx.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, fromId))))
    .run().changes;
  const messagesMoved = tx.update(messages).set({ ticketId: intoId }).where(eq(messages.ticketId, fromId)).run().changes;
  tx.update(outbox)
    .set({ ticketId: intoId })
    .where(and(eq(outbox.ticketId, fromId), or(isNotNull(outbox.messageId), isNotNull(outbox.providerId))))
    .run();
  tx.update(trackingTokens).set({ ticketId: intoId }).where(eq(trackingTokens.ticketId, fromId)).run();
  tx.run(sql`insert or ignore into ticket_flags (ticket_id, flag, detail, created_at)
    select ${intoId}, flag, detail, created_at from ticket_flags where ticket_id = ${fromId}`);
  // The target's last client activity is now the later of the two threads'.
  tx.run(sql`update tickets set last_message_at = max(last_message_at, (select last_message_at from tickets where id = ${fromId})) where id = ${intoId}`);
  return { messagesMoved, attachmentsMoved };
}

const mergedEventSchema = z.object({ intoId: z.number().int(), into: z.string() });

/** Where a merged ticket went: the target of its latest `ticket.merged` event. */
export function mergedIntoOf(tx: Tx, ticketId: number): { id: number; reference: string } | undefined {
  const row = tx
    .select({ data: events.data })
    .from(events)
    .where(and(eq(events.ticketId, ticketId), eq(events.type, 'ticket.merged')))
    .orderBy(desc(events.id))
    .limit(1)
    .get();
  if (!row) return undefined;
  const parsed = mergedEventSchema.safeParse(JSON.parse(row.data));
  return parsed.success ? { id: parsed.data.intoId, reference: parsed.data.into } : undefined;
}

/** Other open tickets of the customer: the targets a ticket may be merged into. */
export function mergeTargetsOf(tx: Tx, customerId: number, exceptId: number) {
  return tx
    .select({ id: tickets.id, reference: tickets.reference, subject: tickets.subject })
    .from(tickets)
    .where(and(eq(tickets.customerId, customerId), ne(tickets.id, exceptId), inArray(tickets.status, ['new', 'open', 'pending'])))
    .orderBy(desc(tickets.id))
    .limit(50)
    .all();
}
