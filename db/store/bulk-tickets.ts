// The bulk path of `redress seed --tickets N`: the rows intake() would write for a new ticket
// (customer, contacts, ticket, inbound message, events, flags), built directly with prepared
// statements, many tickets per transaction. References still come from reference_counters,
// a whole range per (kind, year) at a time, so they never collide with intake's.
// Not written: acknowledgements (a million outbox rows would mail a million fake clients) and
// tracking tokens (a client of a seeded ticket gets one through "lost your link?").
import type { Statement } from 'better-sqlite3';
import type { Db } from '../client';
import type { Cause, Channel, Language, Priority, Product, TicketKind, TicketStatus } from '../constants';

export interface BulkTicket {
  kind: TicketKind;
  feedbackType: string | null;
  channel: Channel;
  status: TicketStatus;
  priority: Priority;
  product: Product | null;
  cause: Cause | null;
  subject: string;
  text: string;
  language: Language;
  level: number;
  assigneeId: number | null;
  amountMinor: number | null;
  createdAt: number;
  /** When the ticket reached its status (resolved, closed), or createdAt. */
  settledAt: number;
  customer: { name: string; email: string | null; phone: string | null };
  flag: { flag: string; detail: string } | null;
}

const PREFIX_YEAR_SEP = '\u0000';

export interface BulkWriter {
  /** Writes one batch in one transaction; returns the references given, in order. */
  write(batch: BulkTicket[]): string[];
}

export function createBulkWriter(db: Db, formatReference: (kind: TicketKind, year: number, n: number) => string): BulkWriter {
  const c = db.$client;
  const s: Record<string, Statement> = {
    counter: c.prepare(
      `insert into reference_counters (prefix, year, last) values (?, ?, ?)
       on conflict (prefix, year) do update set last = last + excluded.last returning last`,
    ),
    customer: c.prepare('insert into customers (name, language, created_at, updated_at) values (?, ?, ?, ?)'),
    contact: c.prepare('insert or ignore into customer_contacts (customer_id, kind, value, created_at) values (?, ?, ?, ?)'),
    ticket: c.prepare(
      `insert into tickets (reference, kind, feedback_type, channel, status, priority, product, cause, subject, customer_id,
         assignee_id, level, language, amount_minor, currency, consent_to_contact, created_at, updated_at, last_message_at,
         resolved_at, closed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    ),
    message: c.prepare(
      `insert into messages (ticket_id, direction, channel, author_type, sender_address, sender_name, text, provider_message_id, created_at)
       values (?, 'in', ?, 'client', ?, ?, ?, ?, ?)`,
    ),
    event: c.prepare('insert into events (ticket_id, type, actor_type, actor_id, data, public, at) values (?, ?, ?, ?, ?, ?, ?)'),
    flag: c.prepare('insert or ignore into ticket_flags (ticket_id, flag, detail, created_at) values (?, ?, ?, ?)'),
  };

  const write = c.transaction((batch: BulkTicket[]): string[] => {
    // One counter bump per (kind, year) for the whole batch.
    const wanted = new Map<string, number>();
    for (const t of batch) {
      const key = `${t.kind}${PREFIX_YEAR_SEP}${new Date(t.createdAt).getUTCFullYear()}`;
      wanted.set(key, (wanted.get(key) ?? 0) + 1);
    }
    const next = new Map<string, number>();
    for (const [key, n] of wanted) {
      const [kind, year] = key.split(PREFIX_YEAR_SEP);
      const { last } = s.counter!.get(kind, Number(year), n) as { last: number };
      next.set(key, last - n + 1);
    }
    return batch.map((t) => {
      const year = new Date(t.createdAt).getUTCFullYear();
      const key = `${t.kind}${PREFIX_YEAR_SEP}${year}`;
      const n = next.get(key)!;
      next.set(key, n + 1);
      const reference = formatReference(t.kind, year, n);
      const customerId = Number(s.customer!.run(t.customer.name, t.language, t.createdAt, t.createdAt).lastInsertRowid);
      if (t.customer.email) s.contact!.run(customerId, 'email', t.customer.email, t.createdAt);
      if (t.customer.phone) s.contact!.run(customerId, 'phone', t.customer.phone, t.createdAt);
      const done = t.status === 'resolved' || t.status === 'closed';
      const ticketId = Number(
        s.ticket!.run(
          reference, t.kind, t.feedbackType, t.channel, t.status, t.priority, t.product, t.cause, t.subject, customerId,
          t.assigneeId, t.level, t.language, t.amountMinor, t.amountMinor === null ? null : 'CNY',
          t.createdAt, t.settledAt, t.createdAt,
          done ? t.settledAt : null, t.status === 'closed' ? t.settledAt : null,
        ).lastInsertRowid,
      );
      const messageId = Number(
        s.message!.run(ticketId, t.channel, t.customer.email ?? t.customer.phone, t.customer.name, t.text, `seed:${reference}`, t.createdAt).lastInsertRowid,
      );
      s.event!.run(ticketId, 'ticket.created', 'client', null, JSON.stringify({ channel: t.channel, kind: t.kind }), 1, t.createdAt);
      s.event!.run(ticketId, 'message.received', 'client', null, JSON.stringify({ messageId, channel: t.channel, attachments: 0, automated: null }), 1, t.createdAt);
      if (t.status !== 'new') {
        s.event!.run(ticketId, 'status.changed', 'system', 'seed', JSON.stringify({ from: 'new', to: t.status, reason: null }), 1, t.settledAt);
      }
      if (t.flag) s.flag!.run(ticketId, t.flag.flag, t.flag.detail, t.createdAt);
      return reference;
    });
  });

  return { write: (batch) => write.immediate(batch) };
}
