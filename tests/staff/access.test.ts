// Access and paging in Chromium and over HTTP: agents never reach admin pages or other teams'
// tickets (404), a POST without the CSRF token or from another site is refused (403),
// disabling an account ends its sessions, sign-in is rate-limited, and the queue pages
// through 1,000 tickets without duplicates or gaps.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { insertBulkTickets } from '../../db/seed-bulk';
import { addStaff, intakeInto, openServerDb, signIn } from './support';

let server: TestServer;
let browser: Browser;
let db: Db;
let agentId: number;
let supervisorId: number;

beforeAll(async () => {
  server = await startServer();
  db = openServerDb(server.databasePath);
  supervisorId = await addStaff(db, { email: 'sup@example.com', name: 'Sam Super', role: 'supervisor', team: 'Cards' });
  agentId = await addStaff(db, { email: 'agent@example.com', name: 'Alex Agent', role: 'agent', team: 'Wealth' });
  await addStaff(db, { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  db?.$client.close();
  await server?.stop();
});

describe('staff access', () => {
  it('gives an agent 404 on admin pages and on tickets of other teams', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, 'agent@example.com');
    const admin = await page.goto(`${server.url}/staff/admin/users`);
    expect(admin?.status()).toBe(404);
    const macros = await page.goto(`${server.url}/staff/macros`);
    expect(macros?.status()).toBe(404);

    const theirs = intakeInto(db, server.dir, { subject: 'Cards team only' });
    db.$client.prepare('update tickets set assignee_id = ?, team_id = (select team_id from staff_users where id = ?) where id = ?').run(supervisorId, supervisorId, theirs.ticketId);
    const hidden = await page.goto(`${server.url}/staff/tickets/${theirs.reference}`);
    expect(hidden?.status()).toBe(404);
    const open = intakeInto(db, server.dir, { subject: 'Nobody has it yet' });
    const visible = await page.goto(`${server.url}/staff/tickets/${open.reference}`);
    expect(visible?.status()).toBe(200);

    // The admin, on the other hand, manages accounts.
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, server.url, 'admin@example.com');
    expect(new URL(adminPage.url()).pathname).toBe('/staff/admin/users');
    await adminPage.waitForSelector('tr[data-user="agent@example.com"]');

    // Disabling the agent ends the agent's session at once.
    await adminPage.click('tr[data-user="agent@example.com"] button:text("Disable")');
    await adminPage.waitForSelector('tr[data-user="agent@example.com"] button:text("Enable")');
    const after = await page.goto(`${server.url}/staff`);
    expect(new URL(after!.url()).pathname).toBe('/staff/login');
    await adminPage.click('tr[data-user="agent@example.com"] button:text("Enable")');
    await adminPage.waitForSelector('tr[data-user="agent@example.com"] button:text("Disable")');
    await context.close();
  });

  it('refuses a POST without the CSRF token and a cross-site POST with 403', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, 'sup@example.com');
    const { reference } = intakeInto(db, server.dir, { subject: 'CSRF target' });
    await page.goto(`${server.url}/staff/tickets/${reference}`);
    const withoutToken = await page.evaluate(async () => {
      const r = await fetch(location.pathname, { method: 'POST', body: new URLSearchParams({ intent: 'note', text: 'forged' }) });
      return r.status;
    });
    expect(withoutToken).toBe(403);

    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = await page.getAttribute('input[name=csrf]', 'value');
    const post = (origin: string) =>
      fetch(`${server.url}/staff/tickets/${reference}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ intent: 'note', text: 'from elsewhere', csrf: csrf! }),
      });
    expect((await post('https://evil.example')).status).toBe(403);
    expect((await post(server.url)).status).toBe(200);
    const notes = db.$client.prepare("select text from messages where direction = 'note'").pluck().all();
    expect(notes).toEqual(['from elsewhere']);
  });

  it('rate-limits sign-in per account', async () => {
    const page = await (await browser.newContext()).newPage();
    const statuses: number[] = [];
    await page.goto(`${server.url}/staff/login`);
    const csrf = await page.getAttribute('input[name=csrf]', 'value');
    for (let i = 0; i < 6; i++) {
      const r = await page.request.post(`${server.url}/staff/login`, {
        form: { email: 'victim@example.com', password: `guess-${i}`, csrf: csrf!, redirectTo: '/staff' },
        maxRedirects: 0,
      });
      statuses.push(r.status());
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('pages through 1,000 tickets without duplicates or gaps', { timeout: 180_000 }, async () => {
    // Straight into the database: this test is about paging, not intake.
    insertBulkTickets(db, { count: 1000, now: new Date(), staffIds: [supervisorId], teamIds: [], seed: 7 });
    // Ties and tickets without an SLA due time are where keyset paging goes wrong.
    db.$client
      .prepare(`update tickets set sla_due_at = case when id % 5 = 0 then null else ? + (id % 37) * 60000 end,
        status = case when id % 3 = 0 then 'pending' else 'open' end,
        priority = case id % 4 when 0 then 'urgent' when 1 then 'high' when 2 then 'normal' else 'low' end`)
      .run(Date.now() + 3_600_000);
    const openRefs = new Set(db.$client.prepare("select reference from tickets where status in ('new','open','pending')").pluck().all() as string[]);
    expect(openRefs.size).toBeGreaterThanOrEqual(1000);

    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, 'sup@example.com');
    // Every view and sort is paged exhaustively in db/store/queue.test.ts; here, the browser path.
    for (const sort of ['due']) {
      await page.goto(`${server.url}/staff?view=open&sort=${sort}`);
      const seen: string[] = [];
      for (let p = 0; p < 50; p++) {
        await page.waitForSelector('tr[data-reference]');
        seen.push(...(await page.$$eval('tr[data-reference]', (rows) => rows.map((r) => r.getAttribute('data-reference')!))));
        const next = await page.$('a[data-next]');
        if (!next) break;
        const first = seen.at(-(await page.$$('tr[data-reference]')).length)!;
        await next.click();
        // The new page is there when its first row is another ticket.
        await page.waitForFunction((prev) => document.querySelector('tr[data-reference]')?.getAttribute('data-reference') !== prev, first);
      }
      expect(seen.length).toBe(openRefs.size);
      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(seen)).toEqual(openRefs);
    }
  });
});
