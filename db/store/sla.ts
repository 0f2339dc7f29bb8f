// SLA reads and writes: calendars, versioned policies, timers and the sweep's claim. Every
// function takes the transaction it runs in (or the database, for a read that needs none).
import { and, asc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { insertRow, preparedFor, type Tx } from '../client';
import { flagsOf } from './tickets';
import type { SlaFilter } from '../sla-constants';
import { customers, events, messages, slaCalendars, slaPolicies, slaPolicyVersions, slaTimers, staffUsers, tickets } from '../schema';

export type TimerRow = typeof slaTimers.$inferSelect;
export type NewTimer = typeof slaTimers.$inferInsert;

/** Inserts the calendar unless one of that name exists; returns whether it did. */
export function insertCalendarIfMissing(tx: Tx, name: string, definition: string, now: Date): boolean {
  return tx.insert(slaCalendars).values({ name, definition, createdAt: now, updatedAt: now }).onConflictDoNothing().run().changes > 0;
}

export function calendarDefinition(tx: Tx, name: string): string | undefined {
  return preparedFor(tx, 'calendar-definition', (t) =>
    t
      .select({ d: slaCalendars.definition })
      .from(slaCalendars)
      .where(eq(slaCalendars.name, sql.placeholder('name')))
      .prepare(),
  ).get({ name })?.d;
}

export interface PolicyInput {
  key: string;
  name: string;
  regulation: string;
  position: number;
  enabled: boolean;
  definition: string;
}

/** Inserts the policy with its version 1 unless a policy with that key exists; returns whether it did. */
export function insertPolicyIfMissing(tx: Tx, p: PolicyInput, now: Date): boolean {
  const row = tx
    .insert(slaPolicies)
    .values({ key: p.key, name: p.name, regulation: p.regulation, position: p.position, enabled: p.enabled, version: 1, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: slaPolicies.id })
    .get();
  if (!row) return false;
  tx.insert(slaPolicyVersions).values({ policyId: row.id, version: 1, definition: p.definition, createdAt: now }).run();
  return true;
}

/** A new version of a policy's definition; timers already running keep the version they started with. */
export function insertPolicyVersion(tx: Tx, policyId: number, definition: string, now: Date): number {
  const row = tx
    .update(slaPolicies)
    .set({ version: sql`${slaPolicies.version} + 1`, updatedAt: now })
    .where(eq(slaPolicies.id, policyId))
    .returning({ version: slaPolicies.version })
    .get();
  if (!row) throw new Error(`No SLA policy ${policyId}`);
  tx.insert(slaPolicyVersions).values({ policyId, version: row.version, definition, createdAt: now }).run();
  return row.version;
}

export function setPolicyEnabled(tx: Tx, key: string, enabled: boolean, now: Date): boolean {
  return tx.update(slaPolicies).set({ enabled, updatedAt: now }).where(eq(slaPolicies.key, key)).run().changes > 0;
}

export interface PolicyVersionRow {
  id: number;
  key: string;
  name: string;
  version: number;
  definition: string;
}

/** Enabled policies at their current version, in their explicit order. */
export function enabledPolicies(tx: Tx): PolicyVersionRow[] {
  return preparedFor(tx, 'enabled-policies', (t) =>
    t
      .select({ id: slaPolicies.id, key: slaPolicies.key, name: slaPolicies.name, version: slaPolicies.version, definition: slaPolicyVersions.definition })
      .from(slaPolicies)
      .innerJoin(slaPolicyVersions, and(eq(slaPolicyVersions.policyId, slaPolicies.id), eq(slaPolicyVersions.version, slaPolicies.version)))
      .where(eq(slaPolicies.enabled, true))
      .orderBy(asc(slaPolicies.position), asc(slaPolicies.id))
      .prepare(),
  ).all();
}

export function allPolicies(tx: Tx) {
  return tx.select().from(slaPolicies).orderBy(asc(slaPolicies.position), asc(slaPolicies.id)).all();
}

export function policyVersion(tx: Tx, policyId: number, version: number): PolicyVersionRow | undefined {
  return preparedFor(tx, 'policy-version', (t) =>
    t
      .select({ id: slaPolicies.id, key: slaPolicies.key, name: slaPolicies.name, version: slaPolicyVersions.version, definition: slaPolicyVersions.definition })
      .from(slaPolicyVersions)
      .innerJoin(slaPolicies, eq(slaPolicies.id, slaPolicyVersions.policyId))
      .where(and(eq(slaPolicyVersions.policyId, sql.placeholder('policyId')), eq(slaPolicyVersions.version, sql.placeholder('version'))))
      .prepare(),
  ).get({ policyId, version });
}

export function flagNamesOf(tx: Tx, ticketId: number): string[] {
  return flagsOf(tx, ticketId).map((r) => r.flag);
}

export function insertTimers(tx: Tx, rows: NewTimer[]): void {
  for (const row of rows) insertRow(tx, slaTimers, row, { ignoreConflict: true });
}

export function timersOfTicket(tx: Tx, ticketId: number): TimerRow[] {
  return preparedFor(tx, 'timers-of-ticket', (t) =>
    t
      .select()
      .from(slaTimers)
      .where(eq(slaTimers.ticketId, sql.placeholder('ticketId')))
      .orderBy(slaTimers.id)
      .prepare(),
  ).all({ ticketId });
}

export function timersByIds(tx: Tx, ids: number[]): TimerRow[] {
  if (ids.length === 0) return [];
  return tx.select().from(slaTimers).where(inArray(slaTimers.id, ids)).orderBy(slaTimers.nextActionAt, slaTimers.id).all();
}

/**
 * Updates a timer only if it is still as the caller read it (same state and warning count):
 * the guard that makes a second, overlapping writer a no-op.
 */
export function updateTimerGuarded(
  tx: Tx,
  timer: Pick<TimerRow, 'id' | 'state' | 'warningsFired'>,
  patch: Partial<Omit<NewTimer, 'id' | 'ticketId' | 'target'>>,
): boolean {
  return (
    tx
      .update(slaTimers)
      .set(patch)
      .where(and(eq(slaTimers.id, timer.id), eq(slaTimers.state, timer.state), eq(slaTimers.warningsFired, timer.warningsFired)))
      .run().changes > 0
  );
}

/** Ids of running timers whose next instant has come, oldest first, through sla_timers_next_idx. */
export function dueTimerIds(tx: Tx, now: Date, limit: number): number[] {
  // INDEXED BY: without ANALYZE statistics (the server never gathers them) the planner reads
  // sla_timers_state_idx and sorts every running timer (13 ms at 50,000 tickets, per claim).
  const claim = preparedFor(tx, 'sla-due-timer-ids', (t) =>
    t
      // A raw field: drizzle refuses the table's own columns in a select from a raw source.
      .select({ id: sql<number>`"sla_timers"."id"` })
      .from(sql`${slaTimers} indexed by sla_timers_next_idx`)
      // Written literally so the query matches the partial index's own condition.
      .where(and(sql`${slaTimers.state} = 'running'`, sql`${slaTimers.nextActionAt} <= ${sql.placeholder('now')}`))
      .orderBy(asc(slaTimers.nextActionAt))
      .limit(sql.placeholder('limit'))
      .prepare(),
  );
  return claim.all({ now: now.getTime(), limit }).map((r) => r.id);
}

export function activeStaff(tx: Tx, id: number) {
  return tx
    .select({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name, role: staffUsers.role, language: staffUsers.language })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, id), isNull(staffUsers.disabledAt)))
    .get();
}
/**
 * A condition on tickets.id for the API list: `sla=breached|warning|paused` and
 * `dueWithin` (running timers due at or before `dueBefore`). Each is answered through an index
 * of sla_timers, never by reading every timer.
 */
export function slaTicketCondition(filter: { sla?: SlaFilter; dueBefore?: Date }): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.sla === 'breached') {
    parts.push(sql`${tickets.id} in (select ticket_id from sla_timers where state = 'breached' and met_at is null)`);
  } else if (filter.sla === 'paused') {
    parts.push(sql`${tickets.id} in (select ticket_id from sla_timers where state = 'paused')`);
  } else if (filter.sla === 'warning') {
    parts.push(sql`${tickets.id} in (select ticket_id from sla_timers where state = 'running' and warnings_fired > 0)`);
  }
  if (filter.dueBefore) {
    parts.push(sql`${tickets.id} in (select ticket_id from sla_timers where state = 'running' and due_at <= ${filter.dueBefore.getTime()})`);
  }
  return parts.length === 0 ? undefined : and(...parts);
}

/** Who wrote a message: a first response counts only when staff (or the API on their behalf) replied. */
export function messageAuthorType(tx: Tx, messageId: number): string | undefined {
  return preparedFor(tx, 'message-author-type', (t) =>
    t
      .select({ a: messages.authorType })
      .from(messages)
      .where(eq(messages.id, sql.placeholder('messageId')))
      .prepare(),
  ).get({ messageId })?.a;
}

export function customerNameAndLanguage(tx: Tx, customerId: number) {
  return tx.select({ name: customers.name, language: customers.language }).from(customers).where(eq(customers.id, customerId)).get();
}

/**
 * The sweep's writes as statements prepared once per connection: building and preparing each
 * query anew cost more than the writes themselves at ten thousand timers a sweep.
 */
export function sweepStatements(tx: Tx) {
  return preparedFor(tx, 'sweep-statements', buildSweepStatements);
}

function buildSweepStatements(tx: Tx) {
  const p = sql.placeholder;
  const event = tx
    .insert(events)
    .values({ ticketId: p('ticketId'), type: p('type'), actorType: 'system', data: p('data'), public: false, at: p('at') })
    .prepare();
  // Guarded like updateTimerGuarded: only a timer still running with the warnings count read moves on.
  // set() takes no typed placeholders: these are raw, so instants go in as epoch ms. A warning
  // leaves state and due_at alone, so SQLite leaves the indexes on them alone too.
  const guard = and(eq(slaTimers.id, p('id')), eq(slaTimers.state, 'running'), eq(slaTimers.warningsFired, p('previousWarnings')));
  const warn = tx
    .update(slaTimers)
    .set({ warningsFired: sql`${p('warningsFired')}`, nextActionAt: sql`${p('nextActionAt')}`, updatedAt: sql`${p('now')}` })
    .where(guard)
    .prepare();
  const breach = tx
    .update(slaTimers)
    .set({ warningsFired: sql`${p('warningsFired')}`, state: 'breached', breachedAt: sql`${p('breachedAt')}`, nextActionAt: null, updatedAt: sql`${p('now')}` })
    .where(guard)
    .prepare();
  return {
    appendEvent(e: { ticketId: number; type: string; data: Record<string, unknown>; at: Date }): void {
      event.run({ ticketId: e.ticketId, type: e.type, data: JSON.stringify(e.data), at: e.at });
    },
    /** Records the warnings fired and the next instant to act, or the breach at its due time. */
    advanceTimer(a: { id: number; previousWarnings: number; warningsFired: number; breachedAt: Date | null; nextActionAt: Date | null; now: Date }): boolean {
      const common = { id: a.id, previousWarnings: a.previousWarnings, warningsFired: a.warningsFired, now: a.now.getTime() };
      const r = a.breachedAt ? breach.run({ ...common, breachedAt: a.breachedAt.getTime() }) : warn.run({ ...common, nextActionAt: a.nextActionAt!.getTime() });
      return r.changes > 0;
    },
  };
}
