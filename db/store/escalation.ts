// Escalation reads and writes: versioned configuration (rules, phrase lists, levels) with its
// change log, the once-per-event firing guard, the ticket changes rules make, staff lookups for
// recipients and round-robin, and the customer risk profile and holdings.
import { and, asc, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import { insertRow, preparedFor, type Tx } from '../client';
import { forgetInTransaction, memoInTransaction } from '../tx-memo';
import { STAFF_MEMO } from './staff';
import type { Priority, StaffRole } from '../constants';
import {
  customerHoldings,
  customers,
  customerProfiles,
  escalationConfig,
  escalationConfigChanges,
  escalationFirings,
  escalationRoundRobin,
  events,
  staffUsers,
  teams,
  tickets,
} from '../schema';

export type ConfigKind = 'rule' | 'phrase-list' | 'level';
export type ConfigRow = typeof escalationConfig.$inferSelect;
export type ConfigChangeRow = typeof escalationConfigChanges.$inferSelect;
export type StaffRow = typeof staffUsers.$inferSelect;
export type ProfileRow = typeof customerProfiles.$inferSelect;
export type HoldingRow = typeof customerHoldings.$inferSelect;

export function listConfig(tx: Tx, kind: ConfigKind): ConfigRow[] {
  return tx
    .select()
    .from(escalationConfig)
    .where(eq(escalationConfig.kind, kind))
    .orderBy(asc(escalationConfig.position), asc(escalationConfig.key))
    .all();
}

/**
 * Every stored configuration row's identity (kind, key, version, on/off, order) as one string:
 * equal strings mean an equal configuration, so a parsed set can be reused safely. The
 * definition itself is left out (it is the bulk of the text, read on every ticket event):
 * putConfig, the only writer, gives every changed definition a new version.
 */
export function configFingerprint(tx: Tx): string {
  const row = tx.get<{ f: string | null }>(sql`
    select group_concat(kind || char(0) || key || char(0) || version || char(0) || enabled || char(0) || position, char(1)) as f
    from (select kind, key, version, enabled, position from ${escalationConfig} order by kind, position, key)`);
  return row?.f ?? '';
}

export function getConfig(tx: Tx, kind: ConfigKind, key: string): ConfigRow | undefined {
  return tx
    .select()
    .from(escalationConfig)
    .where(and(eq(escalationConfig.kind, kind), eq(escalationConfig.key, key)))
    .get();
}

export interface PutConfigInput {
  kind: ConfigKind;
  key: string;
  definition: string;
  enabled: boolean;
  position: number;
  author: string;
  now: Date;
  /** Seeding writes only what is missing, so running it again is a no-op. */
  onlyIfMissing?: boolean;
  /** What kind of change this is, when the caller knows better than a diff (switching a rule on or off). */
  change?: string;
}

/** Writes a new version (or the first one) and its change row; returns the version, or null when nothing changed. */
/** What a transaction keeps of the configuration (the parsed rule set); putConfig forgets it. */
export const CONFIG_MEMO = 'escalation-config';

export function putConfig(tx: Tx, input: PutConfigInput): number | null {
  forgetInTransaction(tx, CONFIG_MEMO);
  const current = getConfig(tx, input.kind, input.key);
  if (current && input.onlyIfMissing) return null;
  if (current && current.definition === input.definition && current.enabled === input.enabled && current.position === input.position) {
    return null;
  }
  const version = (current?.version ?? 0) + 1;
  const change = input.change ?? (input.onlyIfMissing
    ? 'seeded'
    : !current
      ? 'created'
      : current.definition !== input.definition || current.position !== input.position
        ? 'updated'
        : input.enabled
          ? 'enabled'
          : 'disabled');
  const values = {
    version,
    enabled: input.enabled,
    position: input.position,
    definition: input.definition,
    updatedBy: input.author,
    updatedAt: input.now,
  };
  if (current) {
    tx.update(escalationConfig)
      .set(values)
      .where(and(eq(escalationConfig.kind, input.kind), eq(escalationConfig.key, input.key)))
      .run();
  } else {
    tx.insert(escalationConfig).values({ kind: input.kind, key: input.key, ...values }).run();
  }
  tx.insert(escalationConfigChanges)
    .values({
      kind: input.kind,
      key: input.key,
      version,
      change,
      enabled: input.enabled,
      definition: input.definition,
      author: input.author,
      at: input.now,
    })
    .run();
  return version;
}

export function configHistory(tx: Tx, kind: ConfigKind, key: string): ConfigChangeRow[] {
  return tx
    .select()
    .from(escalationConfigChanges)
    .where(and(eq(escalationConfigChanges.kind, kind), eq(escalationConfigChanges.key, key)))
    .orderBy(asc(escalationConfigChanges.version))
    .all();
}

/** Claims (ticket, rule, triggering event); false when the rule already fired for that event. */
export function claimFiring(tx: Tx, f: { ticketId: number; ruleKey: string; triggerKey: string; ruleVersion: number; now: Date }): boolean {
  return insertRow(
    tx,
    escalationFirings,
    { ticketId: f.ticketId, ruleKey: f.ruleKey, triggerKey: f.triggerKey, ruleVersion: f.ruleVersion, at: f.now },
    { ignoreConflict: true },
  );
}

export function hasFired(tx: Tx, ticketId: number, ruleKey: string, triggerKey: string): boolean {
  return (
    tx
      .select({ one: sql<number>`1` })
      .from(escalationFirings)
      .where(and(eq(escalationFirings.ticketId, ticketId), eq(escalationFirings.ruleKey, ruleKey), eq(escalationFirings.triggerKey, triggerKey)))
      .get() !== undefined
  );
}

export function setTicketPriority(tx: Tx, ticketId: number, priority: Priority, now: Date): void {
  tx.update(tickets).set({ priority, updatedAt: now }).where(eq(tickets.id, ticketId)).run();
}

/** Raises the level; the `level < ?` guard means it can never go down, even when two writers race. */
export function raiseTicketLevel(tx: Tx, ticketId: number, level: number, now: Date): boolean {
  const raise = preparedFor(tx, 'raise-ticket-level', (t) =>
    t
      .update(tickets)
      // set() takes raw placeholders: instants go in as epoch ms.
      .set({ level: sql`${sql.placeholder('level')}`, updatedAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(tickets.id, sql.placeholder('ticketId')), sql`${tickets.level} < ${sql.placeholder('level')}`))
      .prepare(),
  );
  return raise.run({ ticketId, level, now: now.getTime() }).changes > 0;
}

export function setTicketAssignment(tx: Tx, ticketId: number, a: { assigneeId: number | null; teamId: number | null }, now: Date): void {
  tx.update(tickets).set({ assigneeId: a.assigneeId, teamId: a.teamId, updatedAt: now }).where(eq(tickets.id, ticketId)).run();
}

/** Active staff of the given roles (of one team, or of all when `teamId` is null): every notice reads it. */
export function activeStaffByRoles(tx: Tx, roles: StaffRole[], teamId: number | null): StaffRow[] {
  if (roles.length === 0) return [];
  return memoInTransaction(tx, `${STAFF_MEMO}roles:${roles.join(',')}:${teamId}`, () => readStaffByRoles(tx, roles, teamId));
}

function readStaffByRoles(tx: Tx, roles: StaffRole[], teamId: number | null): StaffRow[] {
  return preparedFor(tx, 'active-staff-by-roles', (t) =>
    t
      .select()
      .from(staffUsers)
      .where(
        and(
          sql`${staffUsers.role} in (select value from json_each(${sql.placeholder('roles')}))`,
          isNull(staffUsers.disabledAt),
          sql`(${sql.placeholder('teamId')} is null or ${staffUsers.teamId} = ${sql.placeholder('teamId')})`,
        ),
      )
      .orderBy(asc(staffUsers.id))
      .limit(200)
      .prepare(),
  ).all({ roles: JSON.stringify(roles), teamId });
}

export function activeStaffByEmails(tx: Tx, emails: string[]): StaffRow[] {
  if (emails.length === 0) return [];
  const lower = emails.map((e) => e.toLowerCase());
  return memoInTransaction(tx, `${STAFF_MEMO}emails:${lower.join(',')}`, () =>
    tx
      .select()
      .from(staffUsers)
      .where(and(inArray(staffUsers.email, lower), isNull(staffUsers.disabledAt)))
      .all(),
  );
}

export function staffById(tx: Tx, id: number): StaffRow | undefined {
  return tx.select().from(staffUsers).where(eq(staffUsers.id, id)).get();
}

export function teamIdByName(tx: Tx, name: string): number | undefined {
  return memoInTransaction(tx, `${STAFF_MEMO}team:${name}`, () => tx.select({ id: teams.id }).from(teams).where(eq(teams.name, name)).get()?.id);
}

/** The next active member of the team after the last one handed a ticket, wrapping round; records the choice. */
export function nextRoundRobin(tx: Tx, teamId: number): StaffRow | undefined {
  const last = tx.select().from(escalationRoundRobin).where(eq(escalationRoundRobin.teamId, teamId)).get();
  const members = and(eq(staffUsers.teamId, teamId), isNull(staffUsers.disabledAt), inArray(staffUsers.role, ['agent', 'supervisor']));
  const next =
    (last
      ? tx.select().from(staffUsers).where(and(members, gt(staffUsers.id, last.lastStaffId))).orderBy(asc(staffUsers.id)).limit(1).get()
      : undefined) ?? tx.select().from(staffUsers).where(members).orderBy(asc(staffUsers.id)).limit(1).get();
  if (!next) return undefined;
  tx.insert(escalationRoundRobin)
    .values({ teamId, lastStaffId: next.id })
    .onConflictDoUpdate({ target: escalationRoundRobin.teamId, set: { lastStaffId: next.id } })
    .run();
  return next;
}

// Read for every ticket event the rules see: prepared per handle (db/client.ts preparedFor).
export function profileOf(tx: Tx, customerId: number): ProfileRow | undefined {
  return preparedFor(tx, 'profile-of', (t) =>
    t
      .select()
      .from(customerProfiles)
      .where(eq(customerProfiles.customerId, sql.placeholder('customerId')))
      .prepare(),
  ).get({ customerId });
}

export function holdingsOf(tx: Tx, customerId: number): HoldingRow[] {
  return preparedFor(tx, 'holdings-of', (t) =>
    t
      .select()
      .from(customerHoldings)
      .where(eq(customerHoldings.customerId, sql.placeholder('customerId')))
      .orderBy(asc(customerHoldings.productCode))
      .prepare(),
  ).all({ customerId });
}

/**
 * Complaints the customer opened since `since`, counted up to `cap`: the customer's tickets
 * through tickets_customer_status_idx, never a scan of the table.
 */
export function countComplaintsSince(tx: Tx, customerId: number, since: Date, cap: number): number {
  return preparedFor(tx, 'count-complaints-since', (t) =>
    t
      .select({ one: sql<number>`1` })
      .from(tickets)
      // Placeholders in a condition are bound as given, without the column's encoding: epoch ms.
      .where(and(eq(tickets.customerId, sql.placeholder('customerId')), eq(tickets.kind, 'complaint'), gte(tickets.createdAt, sql.placeholder('since'))))
      .limit(sql.placeholder('cap'))
      .prepare(),
  ).all({ customerId, since: since.getTime(), cap }).length;
}

export function customerById(tx: Tx, id: number) {
  return tx.select().from(customers).where(eq(customers.id, id)).get();
}

/** The ticket's last few events, newest first (events_ticket_idx). */
export function latestEvents(tx: Tx, ticketId: number, limit: number) {
  return preparedFor(tx, 'latest-events', (t) =>
    t
      .select()
      .from(events)
      .where(eq(events.ticketId, sql.placeholder('ticketId')))
      .orderBy(desc(events.id))
      .limit(sql.placeholder('limit'))
      .prepare(),
  ).all({ ticketId, limit });
}
