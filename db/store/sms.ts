// SMS-specific reads and writes: opt-out state of phone contacts, keyword commands, delivery
// state of outbound texts, and the queue of MMS media still to fetch.
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { attachments, customerContacts, customers, messages, outbox, smsKeywordMessages, tickets, type SmsKeywordCode } from '../schema';

export function findPhoneContact(tx: Tx | Db, phone: string) {
  return tx
    .select()
    .from(customerContacts)
    .where(and(eq(customerContacts.kind, 'phone'), eq(customerContacts.value, phone)))
    .get();
}

export function isPhoneOptedOut(tx: Tx | Db, phone: string): boolean {
  return Boolean(findPhoneContact(tx, phone)?.optedOutAt);
}

export function setPhoneOptOut(tx: Tx, contactId: number, optedOutAt: Date | null): void {
  tx.update(customerContacts).set({ optedOutAt }).where(eq(customerContacts.id, contactId)).run();
}

/** Records a keyword command once; false when this MessageSid was seen before. */
export function insertKeywordMessage(
  tx: Tx,
  row: { messageSid: string; phone: string; keyword: SmsKeywordCode; body: string; customerId: number; ticketId: number | null; receivedAt: Date },
): boolean {
  return tx.insert(smsKeywordMessages).values(row).onConflictDoNothing().run().changes > 0;
}

export function keywordMessageSeen(tx: Tx | Db, messageSid: string): boolean {
  return (
    tx.select({ sid: smsKeywordMessages.messageSid }).from(smsKeywordMessages).where(eq(smsKeywordMessages.messageSid, messageSid)).get() !==
    undefined
  );
}

export function keywordMessagesOfPhone(tx: Tx | Db, phone: string) {
  return tx.select().from(smsKeywordMessages).where(eq(smsKeywordMessages.phone, phone)).orderBy(smsKeywordMessages.receivedAt).all();
}

export function customerLanguage(tx: Tx | Db, customerId: number) {
  return tx.select({ language: customers.language }).from(customers).where(eq(customers.id, customerId)).get()?.language ?? null;
}

/** The customer's most recently active ticket, whatever its status. */
export function latestTicketOfCustomer(tx: Tx, customerId: number) {
  return tx
    .select({ id: tickets.id, language: tickets.language })
    .from(tickets)
    .where(eq(tickets.customerId, customerId))
    .orderBy(desc(tickets.lastMessageAt))
    .limit(1)
    .get();
}

/** The message an outbox row carries (replies have one; acknowledgements do not). */
export function messageIdOfOutbox(tx: Tx | Db, outboxId: number): number | null {
  return tx.select({ messageId: outbox.messageId }).from(outbox).where(eq(outbox.id, outboxId)).get()?.messageId ?? null;
}

/** The message Twilio's MessageSid belongs to, through the outbox row that sent it. */
export function messageIdBySmsSid(tx: Tx | Db, sid: string): { found: boolean; messageId: number | null } {
  const row = tx
    .select({ messageId: outbox.messageId })
    .from(outbox)
    .where(and(eq(outbox.providerId, sid), eq(outbox.channel, 'sms')))
    .get();
  return { found: row !== undefined, messageId: row?.messageId ?? null };
}

// Kept in step with channels/sms/status.ts DELIVERY_RANK; a state only moves to a higher rank.
const rankOf = (column: unknown) => sql`(case ${column}
  when 'queued' then 1 when 'sending' then 2 when 'sent' then 3
  when 'delivered' then 4 when 'undelivered' then 4 when 'failed' then 4 else 0 end)`;

/**
 * Moves a message's delivery state forward, never back: a repeated or late callback changes
 * nothing. Returns whether the row changed. The guard is in SQL, so it holds however calls interleave.
 */
export function advanceDeliveryState(tx: Tx | Db, messageId: number, state: string, rank: number, error: string | null): boolean {
  const r = tx
    .update(messages)
    .set({ deliveryStatus: state, ...(error !== null ? { deliveryError: error } : {}) })
    .where(and(eq(messages.id, messageId), sql`${rankOf(messages.deliveryStatus)} < ${rank}`))
    .run();
  return r.changes > 0;
}

/** Merges channel details (segment count, encoding) into a message's meta JSON. */
export function mergeMessageMeta(tx: Tx | Db, messageId: number, patch: Record<string, unknown>): void {
  tx.update(messages)
    .set({ meta: sql`json_patch(coalesce(${messages.meta}, '{}'), ${JSON.stringify(patch)})` })
    .where(eq(messages.id, messageId))
    .run();
}

export type PendingMedia = { id: number; ticketId: number; messageId: number; sourceUrl: string; attempts: number };

/**
 * Claims up to `limit` MMS media whose fetch is due, pushing their next attempt past the lease
 * so a second worker (or a restart) never fetches the same one twice at once.
 */
export function claimPendingMedia(db: Db, { now, leaseMs, limit }: { now: Date; leaseMs: number; limit: number }): PendingMedia[] {
  return db.transaction(
    (tx) => {
      const due = tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(and(eq(attachments.state, 'pending'), lte(attachments.nextAttemptAt, now), sql`${attachments.sourceUrl} is not null`))
        .orderBy(asc(attachments.nextAttemptAt))
        .limit(limit)
        .all()
        .map((r) => r.id);
      if (due.length === 0) return [];
      return tx
        .update(attachments)
        .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${attachments.attempts} + 1` })
        .where(inArray(attachments.id, due))
        .returning({
          id: attachments.id,
          ticketId: attachments.ticketId,
          messageId: attachments.messageId,
          sourceUrl: attachments.sourceUrl,
          attempts: attachments.attempts,
        })
        .all() as PendingMedia[];
    },
    { behavior: 'immediate' },
  );
}

export function markMediaStored(
  tx: Tx,
  id: number,
  file: { storageKey: string; sha256: string; size: number; contentType: string },
): boolean {
  return (
    tx
      .update(attachments)
      .set({ ...file, state: 'stored', error: null, nextAttemptAt: null })
      .where(and(eq(attachments.id, id), eq(attachments.state, 'pending')))
      .run().changes > 0
  );
}

export function markMediaFailed(tx: Tx, id: number, error: string): boolean {
  return (
    tx
      .update(attachments)
      .set({ state: 'failed', error, nextAttemptAt: null })
      .where(and(eq(attachments.id, id), eq(attachments.state, 'pending')))
      .run().changes > 0
  );
}

/** Stays pending, with the last error visible until a later attempt succeeds. */
export function rescheduleMedia(tx: Tx | Db, id: number, error: string, nextAttemptAt: Date): void {
  tx.update(attachments)
    .set({ error, nextAttemptAt })
    .where(and(eq(attachments.id, id), eq(attachments.state, 'pending')))
    .run();
}
