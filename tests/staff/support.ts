// Helpers for the staff tests: accounts created straight in the server's database (the CLI's
// user:add is another area's), signing in through the real form, and tickets through intake().
import type { Page } from 'playwright-core';
import { createStaffAccount } from '../../app/staff/accounts.server';
import { withSlaHook } from '../../app/sla/timers.server';
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
  /** Start SLA timers as the server would (the server seeds the policies at start-up). */
  opts: { sla?: boolean } = {},
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
  const ctx = { db, publicUrl: 'http://127.0.0.1', attachmentDir: `${dir}/attachments`, hooks: [] };
  return intake(opts.sla ? withSlaHook(ctx) : ctx, message, fields, message.receivedAt);
}

/** A staff member signed in over plain HTTP (no browser): the real login form, cookie and CSRF token. */
export interface StaffHttp {
  /** The page's HTML, without the `<!-- -->` markers React puts between adjacent text pieces. */
  get(path: string): Promise<{ status: number; html: string }>;
  /** Posts a staff form with the session's CSRF token, as the page's own form would. */
  post(path: string, form: Record<string, string | number>): Promise<{ status: number; html: string }>;
}

export async function signInHttp(baseUrl: string, email: string, password = PASSWORD): Promise<StaffHttp> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const hidden = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const login = await fetch(`${baseUrl}/staff/login`);
  keep(login);
  const loginCsrf = hidden(await login.text());
  if (!loginCsrf) throw new Error('no CSRF field on the sign-in form');
  const signedIn = await fetch(`${baseUrl}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie(), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, csrf: loginCsrf, redirectTo: '/staff' }),
  });
  if (signedIn.status !== 302) throw new Error(`sign-in as ${email} answered ${signedIn.status}`);
  keep(signedIn);
  let csrf: string | undefined;
  const get = async (path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie() }, redirect: 'manual' });
    const html = stripTextMarkers(await res.text());
    csrf ??= hidden(html);
    return { status: res.status, html };
  };
  return {
    get,
    async post(path, form) {
      if (!csrf) await get('/staff');
      const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]));
      body.set('csrf', csrf!);
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie(), 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseUrl },
        body,
      });
      return { status: res.status, html: stripTextMarkers(await res.text()) };
    },
  };
}

function stripTextMarkers(html: string): string {
  return html.replaceAll('<!-- -->', '');
}
