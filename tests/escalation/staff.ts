// Staff and teams for escalation tests, written straight into the test database (the staff
// area owns the real account commands).
import type { Db } from '../../db/client';
import type { Language, StaffRole } from '../../db/constants';
import { staffUsers, teams } from '../../db/schema';

export function addTeam(db: Db, name: string): number {
  return db.insert(teams).values({ name, createdAt: new Date('2026-01-01T00:00:00Z') }).returning({ id: teams.id }).get().id;
}

export function addStaff(
  db: Db,
  s: { email: string; role: StaffRole; name?: string; teamId?: number | null; language?: Language; phone?: string | null },
): number {
  return db
    .insert(staffUsers)
    .values({
      email: s.email,
      name: s.name ?? s.email.split('@')[0]!,
      role: s.role,
      teamId: s.teamId ?? null,
      language: s.language ?? 'zh',
      phone: s.phone ?? null,
      passwordHash: 'x',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning({ id: staffUsers.id })
    .get().id;
}
