// The outbox: every notification is a row written in the same transaction as the change that
// caused it; the dispatcher sends it after commit, with retries.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { OutboxChannel, OutboxStatus } from '../constants';
import { messages, tickets } from './tickets';

export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel').$type<OutboxChannel>().notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    html: text('html'),
    /** JSON: channel-specific headers (Message-ID, In-Reply-To, References, Auto-Submitted…). */
    headers: text('headers'),
    /** What the row is for (ack, reply, decision, notify…), for display and reports. */
    purpose: text('purpose').notNull(),
    ticketId: integer('ticket_id').references(() => tickets.id),
    messageId: integer('message_id').references(() => messages.id),
    status: text('status').$type<OutboxStatus>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** A claimed row whose lease ran out (the sender died) is claimable again. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // Only unsent rows are in this index, so claiming stays cheap however long the history.
    index('outbox_due_idx')
      .on(t.channel, t.nextAttemptAt)
      .where(sql`status in ('queued', 'sending')`),
    index('outbox_ticket_idx').on(t.ticketId),
    index('outbox_provider_idx').on(t.providerId).where(sql`provider_id is not null`),
  ],
);
