// Staff accounts and teams: the reads and writes the CLI, the seed and the API need.
import { eq, inArray } from 'drizzle-orm';
import type { Tx } from '../client';
import type { Language, StaffRole } from '../constants';
import { staffUsers, teams } from '../schema';

export type StaffUserRow = typeof staffUsers.$inferSelect;

/** The team of that name, created when missing. */
export function ensureTeam(tx: Tx, name: string, now: Date): number {
  tx.insert(teams).values({ name, createdAt: now }).onConflictDoNothing().run();
  return tx.select({ id: teams.id }).from(teams).where(eq(teams.name, name)).get()!.id;
}

export function findStaffByEmail(tx: Tx, email: string): StaffUserRow | undefined {
  return tx.select().from(staffUsers).where(eq(staffUsers.email, email)).get();
}

export function findStaffById(tx: Tx, id: number): StaffUserRow | undefined {
  return tx.select().from(staffUsers).where(eq(staffUsers.id, id)).get();
}

export function staffByIds(tx: Tx, ids: number[]): StaffUserRow[] {
  if (ids.length === 0) return [];
  return tx.select().from(staffUsers).where(inArray(staffUsers.id, ids)).all();
}

export function insertStaffUser(
  tx: Tx,
  input: { email: string; name: string; role: StaffRole; teamId: number | null; language?: Language; passwordHash: string; now: Date },
): number {
  return tx
    .insert(staffUsers)
    .values({
      email: input.email,
      name: input.name,
      role: input.role,
      teamId: input.teamId,
      language: input.language ?? 'zh',
      passwordHash: input.passwordHash,
      createdAt: input.now,
    })
    .returning({ id: staffUsers.id })
    .get().id;
}

/** Whether any account exists (start-up asks this once, to decide on seeding the demo). */
export function hasAnyStaff(tx: Tx): boolean {
  return tx.select({ id: staffUsers.id }).from(staffUsers).limit(1).get() !== undefined;
}

export function staffList(tx: Tx): StaffUserRow[] {
  return tx.select().from(staffUsers).orderBy(staffUsers.id).all();
}
