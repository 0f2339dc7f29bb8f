// The one ticket model every channel feeds: tickets, their messages and attachments, the
// append-only event log, flags, tracking tokens and the per-year reference counters.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type {
  ActorType,
  AttachmentState,
  Cause,
  Channel,
  Language,
  MessageDirection,
  Priority,
  Product,
  TicketKind,
  TicketStatus,
} from '../constants';
import { customers } from './customers';
import { staffUsers, teams } from './staff';

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reference: text('reference').notNull(),
    kind: text('kind').$type<TicketKind>().notNull(),
    /** suggestion | compliment for feedback; null otherwise. */
    feedbackType: text('feedback_type'),
    channel: text('channel').$type<Channel>().notNull(),
    status: text('status').$type<TicketStatus>().notNull(),
    priority: text('priority').$type<Priority>().notNull(),
    product: text('product').$type<Product>(),
    cause: text('cause').$type<Cause>(),
    subject: text('subject').notNull(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id),
    assigneeId: integer('assignee_id').references(() => staffUsers.id),
    teamId: integer('team_id').references(() => teams.id),
    level: integer('level').notNull().default(0),
    language: text('language').$type<Language>().notNull(),
    occurredOn: text('occurred_on'),
    amountMinor: integer('amount_minor'),
    currency: text('currency'),
    outcomeWanted: text('outcome_wanted'),
    consentToContact: integer('consent_to_contact', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    lastMessageAt: integer('last_message_at', { mode: 'timestamp_ms' }).notNull(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
    /**
     * Denormalised for the staff queue (sorted and filtered by it at a million tickets): the
     * earliest due time of the ticket's running SLA timers, and their worst state
     * (ok | warning | breached | paused). Written by the SLA engine; null until it runs.
     */
    slaDueAt: integer('sla_due_at', { mode: 'timestamp_ms' }),
    slaState: text('sla_state'),
    /** Number of ticket_flags rows, kept by triggers (staff custom migration) for the Risk flags view. */
    flagCount: integer('flag_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('tickets_reference_uq').on(t.reference),
    // API list: newest first, keyset on (created_at, id).
    index('tickets_created_idx').on(t.createdAt, t.id),
    // Threading: a customer's most recent open tickets.
    index('tickets_customer_status_idx').on(t.customerId, t.status, t.lastMessageAt),
    index('tickets_status_created_idx').on(t.status, t.createdAt, t.id),
  ],
);

export const ticketFlags = sqliteTable(
  'ticket_flags',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    flag: text('flag').notNull(),
    /** What raised it: the phrase that matched, the rule, the person. */
    detail: text('detail'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.flag] }), index('ticket_flags_flag_idx').on(t.flag, t.ticketId)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    direction: text('direction').$type<MessageDirection>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    authorType: text('author_type').$type<ActorType>().notNull(),
    authorStaffId: integer('author_staff_id').references(() => staffUsers.id),
    /** The client's address on this channel (email or E.164), when there is one. */
    senderAddress: text('sender_address'),
    senderName: text('sender_name'),
    subject: text('subject'),
    text: text('text').notNull(),
    /** Sanitized HTML only; raw HTML is never stored for display. */
    html: text('html'),
    providerMessageId: text('provider_message_id'),
    deliveryStatus: text('delivery_status'),
    deliveryError: text('delivery_error'),
    /** Channel details (segments, headers, quoted text…), JSON parsed with zod where read. */
    meta: text('meta'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('messages_ticket_idx').on(t.ticketId, t.id),
    // Idempotency: a provider's id is stored once per channel.
    uniqueIndex('messages_provider_uq')
      .on(t.channel, t.providerMessageId)
      .where(sql`provider_message_id is not null`),
  ],
);

export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size'),
    /** Random file name under the attachment directory; null until the bytes are stored. */
    storageKey: text('storage_key'),
    sha256: text('sha256'),
    state: text('state').$type<AttachmentState>().notNull(),
    /** Where the bytes still have to be fetched from (MMS media), and why a fetch failed. */
    sourceUrl: text('source_url'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('attachments_message_idx').on(t.messageId),
    index('attachments_pending_idx').on(t.state, t.nextAttemptAt),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    type: text('type').notNull(),
    actorType: text('actor_type').$type<ActorType>().notNull(),
    actorId: text('actor_id'),
    /** JSON object; shape depends on `type`. */
    data: text('data').notNull().default('{}'),
    /** Shown to the client on the tracking page. */
    public: integer('public', { mode: 'boolean' }).notNull().default(false),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('events_ticket_idx').on(t.ticketId, t.id), index('events_type_at_idx').on(t.type, t.at)],
);

export const trackingTokens = sqliteTable(
  'tracking_tokens',
  {
    /** SHA-256 (hex) of the token; the token is only ever in the client's link. */
    tokenHash: text('token_hash').primaryKey(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('tracking_tokens_ticket_idx').on(t.ticketId)],
);

export const referenceCounters = sqliteTable(
  'reference_counters',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);
