// SMS keyword commands (STOP, START, HELP). They are not complaints, so they are not messages
// of a ticket; this table records each one once, by Twilio's MessageSid, which makes a
// retried webhook a no-op and keeps the history of a number's opt-outs.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { customers } from './customers';
import { tickets } from './tickets';

export const SMS_KEYWORDS = ['stop', 'start', 'help'] as const;
export type SmsKeywordCode = (typeof SMS_KEYWORDS)[number];

export const smsKeywordMessages = sqliteTable(
  'sms_keyword_messages',
  {
    messageSid: text('message_sid').primaryKey(),
    phone: text('phone').notNull(),
    keyword: text('keyword').$type<SmsKeywordCode>().notNull(),
    body: text('body').notNull(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The customer's latest ticket, where the event was recorded (none if they have no ticket). */
    ticketId: integer('ticket_id').references(() => tickets.id),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sms_keyword_messages_phone_idx').on(t.phone, t.receivedAt)],
);
