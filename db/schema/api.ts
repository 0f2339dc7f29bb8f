// API tables: what a request with an Idempotency-Key produced, so that a client retrying a
// reply or a note (after a timeout, say) gets the first answer again instead of a second send.
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { apiTokens } from './staff';
import { tickets } from './tickets';

export const apiIdempotency = sqliteTable(
  'api_idempotency',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenId: integer('token_id')
      .notNull()
      .references(() => apiTokens.id),
    key: text('key').notNull(),
    /** What the key was used for (`reply`, `note`) and on which ticket: reuse elsewhere is refused. */
    operation: text('operation').notNull(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /** The JSON body of the first answer. */
    response: text('response').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('api_idempotency_token_key_uq').on(t.tokenId, t.key)],
);
