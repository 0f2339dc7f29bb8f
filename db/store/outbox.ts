// Outbox rows: queued inside the transaction of the change that caused them, claimed and
// settled by the dispatcher after commit.
import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import { insertReturning, type Db, type Tx } from '../client';
import type { OutboxChannel } from '../constants';
import { outbox } from '../schema';

export type OutboxRow = typeof outbox.$inferSelect;

export interface QueueInput {
  channel: OutboxChannel;
  recipient: string;
  subject?: string | null;
  body: string;
  html?: string | null;
  headers?: Record<string, string>;
  purpose: string;
  ticketId?: number | null;
  messageId?: number | null;
  /** Known before sending when Redress chose it (an email's Message-ID), so replies and bounces find the row. */
  providerId?: string | null;
  now: Date;
}

export function queueOutbox(tx: Tx, input: QueueInput): number {
  return insertReturning(tx, outbox, {
      channel: input.channel,
      recipient: input.recipient,
      subject: input.subject ?? null,
      body: input.body,
      html: input.html ?? null,
      headers: input.headers ? JSON.stringify(input.headers) : null,
      purpose: input.purpose,
      ticketId: input.ticketId ?? null,
      messageId: input.messageId ?? null,
      providerId: input.providerId ?? null,
      status: 'queued',
      nextAttemptAt: input.now,
      createdAt: input.now,
    })!.id;
}

/**
 * Claims up to `limit` due rows of the given channels: queued rows whose time has come, and
 * rows left `sending` by a dispatcher that died (lease expired). One statement, so two
 * dispatchers never claim the same row.
 */
export function claimDueOutbox(
  db: Db,
  { channels, now, leaseMs, limit }: { channels: OutboxChannel[]; now: Date; leaseMs: number; limit: number },
): OutboxRow[] {
  if (channels.length === 0) return [];
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        // Written literally so the planner matches the partial index outbox_due_idx.
        sql`${outbox.status} in ('queued', 'sending')`,
        inArray(outbox.channel, channels),
        lte(outbox.nextAttemptAt, now),
        or(eq(outbox.status, 'queued'), and(eq(outbox.status, 'sending'), lte(outbox.leaseUntil, now))),
      ),
    )
    .orderBy(outbox.nextAttemptAt)
    .limit(limit);
  return db.transaction(
    (tx) =>
      tx
        .update(outbox)
        .set({
          status: 'sending',
          leaseUntil: new Date(now.getTime() + leaseMs),
          nextAttemptAt: new Date(now.getTime() + leaseMs),
          attempts: sql`${outbox.attempts} + 1`,
        })
        .where(inArray(outbox.id, due))
        .returning()
        .all(),
    { behavior: 'immediate' },
  );
}

export function markOutboxSent(tx: Tx, id: number, providerId: string | null, now: Date): void {
  tx.update(outbox)
    .set({ status: 'sent', providerId, sentAt: now, leaseUntil: null, lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')))
    .run();
}

export function markOutboxFailed(tx: Tx, id: number, error: string): void {
  tx.update(outbox)
    .set({ status: 'failed', lastError: error, leaseUntil: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')))
    .run();
}

export function rescheduleOutbox(tx: Tx, id: number, error: string, nextAttemptAt: Date): void {
  tx.update(outbox)
    .set({ status: 'queued', lastError: error, nextAttemptAt, leaseUntil: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')))
    .run();
}

export function outboxOfTicket(tx: Tx | Db, ticketId: number): OutboxRow[] {
  return tx.select().from(outbox).where(eq(outbox.ticketId, ticketId)).orderBy(outbox.id).all();
}

/** The ticket of an outbox row whose provider id (an email's Message-ID) is among `ids`. */
export function findTicketIdByOutboxProviderIds(tx: Tx, ids: string[]): number | undefined {
  if (ids.length === 0) return undefined;
  return (
    tx
      .select({ ticketId: outbox.ticketId })
      .from(outbox)
      .where(inArray(outbox.providerId, ids.slice(0, 50)))
      .orderBy(outbox.id)
      .limit(1)
      .get()?.ticketId ?? undefined
  );
}

/** Unsent rows that have failed at least once and are waiting for their next try. */
const delayed = and(sql`${outbox.status} in ('queued', 'sending')`, sql`${outbox.lastError} is not null`);

/** A ticket's delayed deliveries, for the staff view (acknowledgements have no thread message to show it on). */
export function delayedOutboxOfTicket(tx: Tx | Db, ticketId: number) {
  return tx
    .select({
      id: outbox.id,
      channel: outbox.channel,
      purpose: outbox.purpose,
      messageId: outbox.messageId,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), delayed))
    .orderBy(outbox.id)
    .all();
}

/** How many deliveries, across all tickets, are delayed and retrying (the queue page's notice). */
export function countDelayedOutbox(tx: Tx | Db): number {
  return tx.select({ n: sql<number>`count(*)` }).from(outbox).where(delayed).get()?.n ?? 0;
}
