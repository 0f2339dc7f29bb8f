// Staff sign-in and triage tables: server-side sessions, saved queue views, macros, the case
// review written when a ticket is resolved, and the client's rating of the service.
// (Kept in one file so db/schema/index.ts needs no edit.)
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { staffUsers } from './staff';
import { tickets } from './tickets';

export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** SHA-256 (hex) of the cookie value: a copy of the database signs nobody in. */
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    /** Synchronizer token for the session's forms. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    /** Absolute expiry, however active the session. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [uniqueIndex('staff_sessions_token_uq').on(t.tokenHash), index('staff_sessions_user_idx').on(t.userId)],
);

export const savedViews = sqliteTable(
  'saved_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    name: text('name').notNull(),
    /** The queue URL's search string (filters, view, sort), validated again when opened. */
    query: text('query').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('saved_views_user_name_uq').on(t.userId, t.name)],
);

export const macros = sqliteTable('macros', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  /** Placeholders: {name}, {reference}, {agent}. */
  bodyZh: text('body_zh').notNull(),
  bodyEn: text('body_en').notNull(),
  createdBy: integer('created_by').references(() => staffUsers.id),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
});

export const caseReviews = sqliteTable(
  'case_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    outcome: text('outcome').notNull(),
    redressMinor: integer('redress_minor'),
    currency: text('currency'),
    rootCause: text('root_cause').notNull(),
    lesson: text('lesson').notNull(),
    reviewerId: integer('reviewer_id').references(() => staffUsers.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // A reopened and resolved-again ticket gets a new review; reports read the latest.
  (t) => [index('case_reviews_ticket_idx').on(t.ticketId, t.id), index('case_reviews_created_idx').on(t.createdAt)],
);

export const ratings = sqliteTable(
  'ratings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    score: integer('score').notNull(),
    comment: text('comment'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  // Newest-first reads go through insight_ratings_created_idx (migration 0008); a partial index
  // on `score is not null` was dropped: score is NOT NULL, so SQLite could never use it.
  (t) => [uniqueIndex('ratings_ticket_uq').on(t.ticketId)],
);
