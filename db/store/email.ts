// The email channel's reads and writes: raw mail kept with what it became, bounces matched to
// what they return, quarantine, the IMAP poller's position and the acknowledgement throttle.
import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { insertRow, preparedFor, type Db, type Tx } from '../client';
import { ackThrottle, customerContacts, emailQuarantine, imapState, inboundEmails, messages, outbox, type EmailOutcome, type EmailSource } from '../schema';

export interface InboundEmailInput {
  dedupeKey: string;
  source: EmailSource;
  outcome: EmailOutcome;
  messageId?: number | null;
  ticketId?: number | null;
  raw: Buffer;
  rawEncoding: string;
  rawSize: number;
  sha256: string;
  detail?: Record<string, unknown>;
  receivedAt: Date;
}

/** False when that email was already recorded (a second delivery). */
export function recordInboundEmail(tx: Tx, e: InboundEmailInput): boolean {
  return insertRow(
    tx,
    inboundEmails,
    { ...e, messageId: e.messageId ?? null, ticketId: e.ticketId ?? null, detail: e.detail ? JSON.stringify(e.detail) : null },
    { ignoreConflict: true },
  );
}

// Read for every email received, before anything else: prepared once per connection.
export function findInboundEmail(tx: Tx | Db, dedupeKey: string) {
  return preparedFor(tx as Tx, 'email:inbound-by-dedupe-key', (t) =>
    t
      .select({ id: inboundEmails.id, outcome: inboundEmails.outcome, ticketId: inboundEmails.ticketId, messageId: inboundEmails.messageId })
      .from(inboundEmails)
      .where(eq(inboundEmails.dedupeKey, sql.placeholder('dedupeKey')))
      .prepare(),
  ).get({ dedupeKey });
}

export function rawEmailOfMessage(tx: Tx | Db, messageId: number) {
  return tx
    .select({ raw: inboundEmails.raw, rawEncoding: inboundEmails.rawEncoding, rawSize: inboundEmails.rawSize })
    .from(inboundEmails)
    .where(eq(inboundEmails.messageId, messageId))
    .get();
}

export interface OutboundMatch {
  ticketId: number | null;
  /** The outbound message row (staff replies); acknowledgements have only an outbox row. */
  messageId: number | null;
  outboxId: number | null;
  recipient: string | null;
}

/** The outbound mail a bounce returns, by the Message-ID Redress gave it. */
export function findOutboundByEmailMessageIds(tx: Tx, ids: string[]): OutboundMatch | undefined {
  if (ids.length === 0) return undefined;
  const message = tx
    .select({ id: messages.id, ticketId: messages.ticketId, recipient: messages.senderAddress })
    .from(messages)
    .where(and(eq(messages.channel, 'email'), eq(messages.direction, 'out'), inArray(messages.providerMessageId, ids)))
    .orderBy(desc(messages.id))
    .limit(1)
    .get();
  const row = tx
    .select({ id: outbox.id, ticketId: outbox.ticketId, recipient: outbox.recipient })
    .from(outbox)
    .where(message ? eq(outbox.messageId, message.id) : and(sql`${outbox.providerId} is not null`, inArray(outbox.providerId, ids)))
    .orderBy(desc(outbox.id))
    .limit(1)
    .get();
  if (!message && !row) return undefined;
  return {
    ticketId: message?.ticketId ?? row?.ticketId ?? null,
    messageId: message?.id ?? null,
    outboxId: row?.id ?? null,
    recipient: row?.recipient ?? message?.recipient ?? null,
  };
}

export function setMessageDelivery(tx: Tx, messageId: number, status: string, error: string | null): void {
  tx.update(messages).set({ deliveryStatus: status, deliveryError: error }).where(eq(messages.id, messageId)).run();
}

/** A hard bounce: nothing more is sent to that address until someone clears the mark. */
export function markEmailUndeliverable(tx: Tx, email: string, now: Date): boolean {
  const r = tx
    .update(customerContacts)
    .set({ undeliverableAt: now })
    .where(and(eq(customerContacts.kind, 'email'), eq(customerContacts.value, email.toLowerCase()), isNull(customerContacts.undeliverableAt)))
    .run();
  return r.changes > 0;
}

/**
 * Takes the acknowledgement slot of (channel, recipient) unless one was taken within the
 * window: true means "send an ack now". Runs in the intake transaction, so two concurrent
 * messages from one sender cannot both win.
 */
export function claimAckSlot(tx: Tx, channel: string, recipient: string, now: Date, windowMs: number): boolean {
  // Prepared once per connection (it runs in every email intake). The window is compared with
  // the new row's time (excluded.last_at, which is `now`) so that only plain numbers are bound.
  const claim = preparedFor(tx, 'email:claim-ack-slot', (t) =>
    t
      .insert(ackThrottle)
      .values({ channel: sql.placeholder('channel'), recipient: sql.placeholder('recipient'), lastAt: sql.placeholder('now') })
      .onConflictDoUpdate({
        target: [ackThrottle.channel, ackThrottle.recipient],
        set: { lastAt: sql`excluded.last_at` },
        setWhere: sql`${ackThrottle.lastAt} < excluded.last_at - ${sql.placeholder('windowMs')}`,
      })
      .prepare(),
  );
  return claim.run({ channel, recipient, now, windowMs }).changes > 0;
}

// ---- quarantine

export function quarantineEmail(
  db: Db,
  q: { sha256: string; source: EmailSource; file: string; size: number; error: string; now: Date },
): number {
  return db
    .insert(emailQuarantine)
    .values({ sha256: q.sha256, source: q.source, file: q.file, size: q.size, error: q.error.slice(0, 1000), createdAt: q.now })
    .onConflictDoUpdate({
      target: emailQuarantine.sha256,
      set: { attempts: sql`${emailQuarantine.attempts} + 1`, error: q.error.slice(0, 1000), replayedAt: null },
    })
    .returning({ id: emailQuarantine.id })
    .get().id;
}

export function openQuarantine(db: Db, afterId = 0, limit = 100) {
  return db
    .select()
    .from(emailQuarantine)
    // Written literally so the planner uses the partial index email_quarantine_open_idx.
    .where(and(sql`replayed_at is null`, gte(emailQuarantine.id, afterId + 1)))
    .orderBy(emailQuarantine.id)
    .limit(limit)
    .all();
}

export function quarantineById(db: Db, id: number) {
  return db.select().from(emailQuarantine).where(eq(emailQuarantine.id, id)).get();
}

export function markQuarantineReplayed(db: Db, id: number, now: Date): void {
  db.update(emailQuarantine).set({ replayedAt: now }).where(eq(emailQuarantine.id, id)).run();
}

export function noteQuarantineError(db: Db, id: number, error: string): void {
  db.update(emailQuarantine)
    .set({ error: error.slice(0, 1000), attempts: sql`${emailQuarantine.attempts} + 1` })
    .where(eq(emailQuarantine.id, id))
    .run();
}

/** Unreplayed quarantine rows: a handful at most, read through the partial index. */
export function countOpenQuarantine(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(emailQuarantine).where(sql`replayed_at is null`).get()?.n ?? 0;
}

// ---- IMAP position

export function imapPosition(db: Db, mailbox: string) {
  return db.select().from(imapState).where(eq(imapState.mailbox, mailbox)).get();
}

/**
 * Moves the position forward only: with two pollers, the slower one never moves it back. A new
 * UIDVALIDITY replaces the position (the server renumbered the mailbox).
 */
export function saveImapPosition(db: Db, mailbox: string, uidValidity: string, lastUid: number, now: Date): void {
  db.insert(imapState)
    .values({ mailbox, uidValidity, lastUid, updatedAt: now })
    .onConflictDoUpdate({
      target: imapState.mailbox,
      set: {
        lastUid: sql`case when ${imapState.uidValidity} = excluded.uid_validity then max(${imapState.lastUid}, excluded.last_uid) else excluded.last_uid end`,
        uidValidity: sql`excluded.uid_validity`,
        updatedAt: now,
      },
    })
    .run();
}
