// Customers and the contact identities they are known by. The same email (lower-cased) or
// phone (E.164) always resolves to the same customer: (kind, value) is unique.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ContactKind, Language } from '../constants';

export const customers = sqliteTable(
  'customers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name'),
    customerNumber: text('customer_number'),
    language: text('language').$type<Language>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('customers_number_uq').on(t.customerNumber).where(sql`customer_number is not null`)],
);

export const customerContacts = sqliteTable(
  'customer_contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').$type<ContactKind>().notNull(),
    value: text('value').notNull(),
    /** SMS opt-out (STOP) or a hard email bounce: nothing is sent to it while set. */
    optedOutAt: integer('opted_out_at', { mode: 'timestamp_ms' }),
    undeliverableAt: integer('undeliverable_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('customer_contacts_kind_value_uq').on(t.kind, t.value),
    index('customer_contacts_customer_idx').on(t.customerId),
  ],
);
