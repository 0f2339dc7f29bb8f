// The email channel's own tables: every inbound email's raw bytes (compressed) with what became
// of it, mail that could not be processed (quarantine), the IMAP poller's position per mailbox,
// and the acknowledgement throttle (at most one ack per sender per window).
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { messages, tickets } from './tickets';

/** What happened to an inbound email. */
export const EMAIL_OUTCOMES = ['message', 'bounce', 'bounce-unmatched', 'automated-unmatched', 'own'] as const;
export type EmailOutcome = (typeof EMAIL_OUTCOMES)[number];
export const EMAIL_SOURCES = ['smtp', 'imap', 'webhook', 'replay'] as const;
export type EmailSource = (typeof EMAIL_SOURCES)[number];

export const inboundEmails = sqliteTable(
  'inbound_emails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Message-ID, or sha256:<hex> of the raw bytes when there is none: one row per email however often it arrives. */
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').$type<EmailSource>().notNull(),
    outcome: text('outcome').$type<EmailOutcome>().notNull(),
    /** The inbound message it became (outcome `message`). */
    messageId: integer('message_id').references(() => messages.id),
    /** The ticket it belongs to (a message's or a matched bounce's). */
    ticketId: integer('ticket_id').references(() => tickets.id),
    /** Compressed raw bytes; `rawEncoding` says how (br). */
    raw: blob('raw', { mode: 'buffer' }).notNull(),
    rawEncoding: text('raw_encoding').notNull(),
    rawSize: integer('raw_size').notNull(),
    sha256: text('sha256').notNull(),
    /** Bounce details, automation kind, parse notes: JSON. */
    detail: text('detail'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('inbound_emails_dedupe_uq').on(t.dedupeKey),
    index('inbound_emails_message_idx').on(t.messageId).where(sql`message_id is not null`),
    index('inbound_emails_ticket_idx').on(t.ticketId).where(sql`ticket_id is not null`),
  ],
);

export const emailQuarantine = sqliteTable(
  'email_quarantine',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** SHA-256 of the raw bytes: a sender retrying the same failing message adds no second row. */
    sha256: text('sha256').notNull(),
    source: text('source').$type<EmailSource>().notNull(),
    /** File name under the quarantine folder holding the raw bytes. */
    file: text('file').notNull(),
    size: integer('size').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Set once a replay stored it; only unreplayed rows count on /healthz. */
    replayedAt: integer('replayed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('email_quarantine_sha_uq').on(t.sha256),
    index('email_quarantine_open_idx').on(t.id).where(sql`replayed_at is null`),
  ],
);

/** Where the IMAP poller is in each mailbox: messages up to lastUid under this uidValidity are committed. */
export const imapState = sqliteTable('imap_state', {
  mailbox: text('mailbox').primaryKey(),
  uidValidity: text('uid_validity').notNull(),
  lastUid: integer('last_uid').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Last acknowledgement per (channel, recipient), so a sender writing often gets at most one per window. */
export const ackThrottle = sqliteTable(
  'ack_throttle',
  {
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    lastAt: integer('last_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.recipient] })],
);

