// Staff accounts: creation (tests, the admin page and the CLI's user:add share it), role and
// team changes, and disabling, which ends every session of the account at once.
import { z } from 'zod';
import { writeTransaction, type Db } from '../../db/client';
import { LANGUAGES, STAFF_ROLES } from '../../db/constants';
import { findStaffByEmail, insertStaffUser, revokeSessionsOfUser, updateStaffUser, type StaffUserRow } from '../../db/store/staff';
import { Invalid } from '../tickets/errors';
import { hashPassword } from './password.server';

export const MIN_PASSWORD = 12;

export const newAccountSchema = z.object({
  email: z.email('Enter an email address').transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1, 'Enter a name').max(100),
  role: z.enum(STAFF_ROLES),
  teamId: z.coerce.number().int().positive().nullable().default(null),
  language: z.enum(LANGUAGES).default('zh'),
  password: z.string().min(MIN_PASSWORD, `At least ${MIN_PASSWORD} characters`).max(200),
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export async function createStaffAccount(db: Db, input: NewAccount, now: Date): Promise<StaffUserRow> {
  if (findStaffByEmail(db, input.email)) throw new Invalid('An account with that email already exists.', { email: ['Taken'] });
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(db, (tx) => insertStaffUser(tx, { ...input, passwordHash, now }));
}

export function changeAccount(db: Db, id: number, patch: { role?: NewAccount['role']; teamId?: number | null; language?: NewAccount['language'] }): void {
  writeTransaction(db, (tx) => updateStaffUser(tx, id, patch));
}

/** Disabling ends the account's sessions in the same transaction: it is signed out everywhere at once. */
export function setAccountDisabled(db: Db, id: number, disabled: boolean, now: Date): void {
  writeTransaction(db, (tx) => {
    updateStaffUser(tx, id, { disabledAt: disabled ? now : null });
    if (disabled) revokeSessionsOfUser(tx, id, now);
  });
}
