// Reads and writes of the ticket workspace: assignment, priority, level, the customer panel,
// the thread with its delivery state, case reviews, ratings and macros.
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '../client';
import type { Priority } from '../constants';
import { attachments, caseReviews, customerContacts, customers, macros, messages, outbox, ratings, staffUsers, teams, tickets } from '../schema';

export function setTicketAssignment(
  tx: Tx,
  ticketId: number,
  patch: { assigneeId: number | null; teamId: number | null },
  now: Date,
): void {
  tx.update(tickets).set({ assigneeId: patch.assigneeId, teamId: patch.teamId, updatedAt: now }).where(eq(tickets.id, ticketId)).run();
}

export function setTicketPriority(tx: Tx, ticketId: number, priority: Priority, now: Date): void {
  tx.update(tickets).set({ priority, updatedAt: now }).where(eq(tickets.id, ticketId)).run();
}

export function setTicketLevel(tx: Tx, ticketId: number, level: number, now: Date): void {
  tx.update(tickets).set({ level, updatedAt: now }).where(eq(tickets.id, ticketId)).run();
}

export function findTeam(tx: Tx, id: number) {
  return tx.select().from(teams).where(eq(teams.id, id)).get();
}

/** The active member of a team with the fewest open tickets (ties: lowest id): round-robin by load. */
export function leastLoadedMember(tx: Tx, teamId: number): number | undefined {
  return tx.get<{ id: number }>(sql`
    select s.id from staff_users s
    where s.team_id = ${teamId} and s.disabled_at is null and s.role in ('agent', 'supervisor')
    order by (select count(*) from tickets t where t.assignee_id = s.id and t.status in ('new','open','pending')), s.id
    limit 1`)?.id;
}

export function customerPanel(tx: Tx, customerId: number) {
  const customer = tx.select().from(customers).where(eq(customers.id, customerId)).get();
  const contacts = tx.select().from(customerContacts).where(eq(customerContacts.customerId, customerId)).orderBy(asc(customerContacts.id)).all();
  return { customer, contacts };
}

export function otherTicketsOfCustomer(tx: Tx, customerId: number, exceptId: number, limit = 20) {
  return tx
    .select({ id: tickets.id, reference: tickets.reference, subject: tickets.subject, status: tickets.status, createdAt: tickets.createdAt })
    .from(tickets)
    .where(and(eq(tickets.customerId, customerId), ne(tickets.id, exceptId)))
    .orderBy(desc(tickets.id))
    .limit(limit)
    .all();
}

/** The thread: every message of the ticket with its author's name and its outbox state. */
export function threadOf(tx: Tx, ticketId: number) {
  const rows = tx
    .select({ message: messages, authorName: staffUsers.name })
    .from(messages)
    .leftJoin(staffUsers, eq(staffUsers.id, messages.authorStaffId))
    .where(eq(messages.ticketId, ticketId))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .all();
  const sends = tx
    .select({ messageId: outbox.messageId, status: outbox.status, lastError: outbox.lastError, sentAt: outbox.sentAt, attempts: outbox.attempts, nextAttemptAt: outbox.nextAttemptAt })
    .from(outbox)
    .where(eq(outbox.ticketId, ticketId))
    .all();
  // By the thread's message ids: attachments are indexed by message, not by ticket (a merge moves both).
  const files = tx
    .select()
    .from(attachments)
    .where(inArray(attachments.messageId, tx.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, ticketId))))
    .orderBy(asc(attachments.id))
    .all();
  return rows.map(({ message, authorName }) => ({
    ...message,
    authorName,
    delivery: sends.find((s) => s.messageId === message.id) ?? null,
    attachments: files.filter((f) => f.messageId === message.id),
  }));
}

export function findAttachment(tx: Tx, id: number) {
  return tx.select().from(attachments).where(eq(attachments.id, id)).get();
}

export function findMessage(tx: Tx, id: number) {
  return tx.select().from(messages).where(eq(messages.id, id)).get();
}

export function latestInboundMessageId(tx: Tx, ticketId: number): number | undefined {
  return tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.ticketId, ticketId), eq(messages.direction, 'in')))
    .orderBy(desc(messages.id))
    .limit(1)
    .get()?.id;
}

export interface CaseReviewInput {
  ticketId: number;
  outcome: string;
  redressMinor: number | null;
  currency: string | null;
  rootCause: string;
  lesson: string;
  reviewerId: number;
  now: Date;
}

export function insertCaseReview(tx: Tx, r: CaseReviewInput): number {
  return tx
    .insert(caseReviews)
    .values({
      ticketId: r.ticketId,
      outcome: r.outcome,
      redressMinor: r.redressMinor,
      currency: r.currency,
      rootCause: r.rootCause,
      lesson: r.lesson,
      reviewerId: r.reviewerId,
      createdAt: r.now,
    })
    .returning({ id: caseReviews.id })
    .get().id;
}

export function latestCaseReview(tx: Tx, ticketId: number) {
  return tx.select().from(caseReviews).where(eq(caseReviews.ticketId, ticketId)).orderBy(desc(caseReviews.id)).limit(1).get();
}

/** One rating per ticket: a second submission changes nothing. */
export function insertRating(tx: Tx, r: { ticketId: number; score: number; comment: string | null; now: Date }): boolean {
  return (
    tx.insert(ratings).values({ ticketId: r.ticketId, score: r.score, comment: r.comment, createdAt: r.now }).onConflictDoNothing().run()
      .changes > 0
  );
}

export function ratingOf(tx: Tx, ticketId: number) {
  return tx.select().from(ratings).where(eq(ratings.ticketId, ticketId)).get();
}

export function listMacros(tx: Tx) {
  return tx.select().from(macros).where(isNull(macros.deletedAt)).orderBy(asc(macros.title)).all();
}

export function insertMacro(tx: Tx, m: { title: string; bodyZh: string; bodyEn: string; createdBy: number; now: Date }): number {
  return tx
    .insert(macros)
    .values({ title: m.title, bodyZh: m.bodyZh, bodyEn: m.bodyEn, createdBy: m.createdBy, updatedAt: m.now })
    .returning({ id: macros.id })
    .get().id;
}

export function deleteMacro(tx: Tx, id: number, now: Date): void {
  tx.update(macros).set({ deletedAt: now }).where(eq(macros.id, id)).run();
}

export function ticketsByIds(tx: Tx, ids: number[]) {
  if (ids.length === 0) return [];
  return tx.select().from(tickets).where(inArray(tickets.id, ids)).all();
}
