// Staff accounts, teams, sessions and saved views. Session tokens and their hashes are made
// by app/staff/session.server.ts; this module only stores and finds them.
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../client';
import { forgetInTransaction } from '../tx-memo';
import type { Language, StaffRole } from '../constants';
import { savedViews, staffSessions, staffUsers, teams } from '../schema';

export type StaffUserRow = typeof staffUsers.$inferSelect;

/** Staff and team reads a transaction keeps (memoInTransaction, the rules' recipients); every writer here forgets them. */
export const STAFF_MEMO = 'staff:';
export type StaffSessionRow = typeof staffSessions.$inferSelect;

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  teamId?: number | null;
  language?: Language;
  passwordHash: string;
  now: Date;
}

/** Creates an account; the email is stored lower-cased and must be new. */
export function insertStaffUser(tx: Tx, input: NewStaffUser): StaffUserRow {
  forgetInTransaction(tx, STAFF_MEMO);
  return tx
    .insert(staffUsers)
    .values({
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role,
      teamId: input.teamId ?? null,
      language: input.language ?? 'zh',
      passwordHash: input.passwordHash,
      createdAt: input.now,
    })
    .returning()
    .get();
}

export function findStaffByEmail(tx: Tx, email: string): StaffUserRow | undefined {
  return tx.select().from(staffUsers).where(eq(staffUsers.email, email.trim().toLowerCase())).get();
}

export function findStaffById(tx: Tx, id: number): StaffUserRow | undefined {
  return tx.select().from(staffUsers).where(eq(staffUsers.id, id)).get();
}

export function listStaff(tx: Tx): StaffUserRow[] {
  return tx.select().from(staffUsers).orderBy(asc(staffUsers.name)).all();
}

export function listActiveStaff(tx: Tx): Pick<StaffUserRow, 'id' | 'name' | 'teamId' | 'role'>[] {
  return tx
    .select({ id: staffUsers.id, name: staffUsers.name, teamId: staffUsers.teamId, role: staffUsers.role })
    .from(staffUsers)
    .where(isNull(staffUsers.disabledAt))
    .orderBy(asc(staffUsers.name))
    .all();
}

export function updateStaffUser(
  tx: Tx,
  id: number,
  patch: { role?: StaffRole; teamId?: number | null; language?: Language; name?: string; disabledAt?: Date | null },
): void {
  forgetInTransaction(tx, STAFF_MEMO);
  tx.update(staffUsers).set(patch).where(eq(staffUsers.id, id)).run();
}

export function listTeams(tx: Tx) {
  return tx.select().from(teams).orderBy(asc(teams.name)).all();
}

export function findOrCreateTeam(tx: Tx, name: string, now: Date): number {
  forgetInTransaction(tx, STAFF_MEMO);
  tx.insert(teams).values({ name: name.trim(), createdAt: now }).onConflictDoNothing().run();
  return tx.select({ id: teams.id }).from(teams).where(eq(teams.name, name.trim())).get()!.id;
}

export function insertSession(
  tx: Tx,
  input: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null; now: Date },
): void {
  tx.insert(staffSessions)
    .values({
      tokenHash: input.tokenHash,
      userId: input.userId,
      csrfToken: input.csrfToken,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: input.expiresAt,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .run();
}

/** The live session for a token hash, with its account; expiry is judged by the caller. */
export function findSession(tx: Tx, tokenHash: string): { session: StaffSessionRow; user: StaffUserRow } | undefined {
  const row = tx
    .select({ session: staffSessions, user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(and(eq(staffSessions.tokenHash, tokenHash), isNull(staffSessions.revokedAt)))
    .get();
  return row;
}

export function touchSession(tx: Tx, id: number, now: Date): void {
  tx.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, id)).run();
}

export function revokeSession(tx: Tx, id: number, now: Date): void {
  tx.update(staffSessions).set({ revokedAt: now }).where(and(eq(staffSessions.id, id), isNull(staffSessions.revokedAt))).run();
}

/** Ends every session of an account (disabled, role changed, password reset). */
export function revokeSessionsOfUser(tx: Tx, userId: number, now: Date): number {
  return tx
    .update(staffSessions)
    .set({ revokedAt: now })
    .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt)))
    .run().changes;
}

export function countLiveSessions(tx: Tx, userId: number, now: Date): number {
  return (
    tx
      .select({ n: sql<number>`count(*)` })
      .from(staffSessions)
      .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, now)))
      .get()?.n ?? 0
  );
}

export function listSavedViews(tx: Tx, userId: number) {
  return tx.select().from(savedViews).where(eq(savedViews.userId, userId)).orderBy(asc(savedViews.name)).all();
}

/** Saving a view under a name the user already has replaces its filters. */
export function saveView(tx: Tx, input: { userId: number; name: string; query: string; now: Date }): void {
  tx.insert(savedViews)
    .values({ userId: input.userId, name: input.name, query: input.query, createdAt: input.now })
    .onConflictDoUpdate({ target: [savedViews.userId, savedViews.name], set: { query: input.query } })
    .run();
}

/** Deletes one of the user's own views; false when they have no view with that id. */
export function deleteSavedView(tx: Tx, userId: number, id: number): boolean {
  return tx.delete(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.userId, userId))).run().changes > 0;
}

/** Renames one of the user's own views: 'missing' when they have no such view, 'taken' when the name is in use. */
export function renameSavedView(tx: Tx, input: { userId: number; id: number; name: string }): 'renamed' | 'missing' | 'taken' {
  const clash = tx
    .select({ id: savedViews.id })
    .from(savedViews)
    .where(and(eq(savedViews.userId, input.userId), eq(savedViews.name, input.name)))
    .get();
  if (clash && clash.id !== input.id) return 'taken';
  const changed = tx
    .update(savedViews)
    .set({ name: input.name })
    .where(and(eq(savedViews.id, input.id), eq(savedViews.userId, input.userId)))
    .run().changes;
  return changed > 0 ? 'renamed' : 'missing';
}

export function staffByIds(tx: Tx, ids: number[]): StaffUserRow[] {
  if (ids.length === 0) return [];
  return tx.select().from(staffUsers).where(inArray(staffUsers.id, ids)).all();
}

/** Whether any account exists (start-up asks this once, to decide on seeding the demo). */
export function hasAnyStaff(tx: Tx): boolean {
  return tx.select({ id: staffUsers.id }).from(staffUsers).limit(1).get() !== undefined;
}
