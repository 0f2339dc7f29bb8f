// Helpers for the staff tests: accounts created straight in the server's database (the CLI's
// user:add is another area's), signing in through the real form, and tickets through intake().
import type { Page } from 'playwright-core';
import { createStaffAccount } from '../../app/staff/accounts.server';
import { intake } from '../../app/tickets/intake.server';
import type { InboundMessage } from '../../channels/types';
import { openDb, writeTransaction, type Db } from '../../db/client';
import type { StaffRole } from '../../db/constants';
import { findOrCreateTeam } from '../../db/store/staff';

export const PASSWORD = 'correct horse battery staple';

export function openServerDb(databasePath: string): Db {
  return openDb({ url: `file:${databasePath}`, sync: 'normal' });
}

export async function addStaff(
  db: Db,
  input: { email: string; name: string; role: StaffRole; team?: string; language?: 'zh' | 'en' },
): Promise<number> {
  const now = new Date();
  const teamId = input.team ? writeTransaction(db, (tx) => findOrCreateTeam(tx, input.team!, now)) : null;
  const user = await createStaffAccount(
    db,
    { email: input.email, name: input.name, role: input.role, teamId, language: input.language ?? 'en', password: PASSWORD },
    now,
  );
  return user.id;
}

export async function signIn(page: Page, baseUrl: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/staff/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/staff/login')), page.click('form:has(#password) button[type=submit]')]);
}

let seq = 0;
export function intakeInto(
  db: Db,
  dir: string,
  overrides: Partial<InboundMessage> = {},
  fields: Parameters<typeof intake>[2] = {},
) {
  seq += 1;
  const message: InboundMessage = {
    channel: 'web',
    sender: { name: 'Li Wei', email: `client${seq}-${process.pid}@example.com` },
    text: 'My wealth product was sold to me as a deposit.',
    attachments: [],
    providerMessageId: `staff-test-${process.pid}-${seq}-${Math.random()}`,
    threadHints: [],
    receivedAt: new Date(),
    ...overrides,
  };
  return intake({ db, publicUrl: 'http://127.0.0.1', attachmentDir: `${dir}/attachments`, hooks: [] }, message, fields, message.receivedAt);
}
