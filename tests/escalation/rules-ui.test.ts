// The escalation rules admin page, against the built server: an admin edits a rule in Chromium
// and sees the new version and their name; a phrase list edit flags the next complaint; an invalid rule is refused (400) with the reason
// shown and nothing saved; an agent gets 404; a POST without the CSRF token gets 403; and a rule
// switched off no longer fires for the next complaint (intake on the server's database with
// the same escalation hook the server registers).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationHook } from '../../app/escalation/engine.server';
import { intake } from '../../app/tickets/intake.server';
import type { Db } from '../../db/client';
import { eventsOf, flagsOf } from '../../db/store/tickets';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { webMessage } from '../support/ticket-context';
import { addStaff, openServerDb, signIn } from '../staff/support';

const RULE = 'regulator-litigation-media';

let server: TestServer;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  server = await startServer();
  db = openServerDb(server.databasePath);
  await addStaff(db, { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' });
  await addStaff(db, { email: 'compliance@example.com', name: 'Cora Compliance', role: 'compliance' });
  await addStaff(db, { email: 'agent@example.com', name: 'Alex Agent', role: 'agent', team: 'Wealth' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  db?.$client.close();
  await server?.stop();
});

function stored(key: string): { version: number; enabled: number; definition: string; updated_by: string } {
  return db.$client.prepare("select version, enabled, definition, updated_by from escalation_config where kind = 'rule' and key = ?").get(key) as never;
}

async function rulesPage(email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, server.url, email);
  await page.goto(`${server.url}/staff/admin/rules`);
  return page;
}

/** A form POST carrying the page's session cookie, with or without its CSRF token. */
async function post(page: Page, body: Record<string, string>, withToken = true): Promise<Response> {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = await page.getAttribute('input[name=csrf]', 'value');
  return fetch(`${server.url}/staff/admin/rules`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(withToken ? { ...body, csrf: csrf! } : body),
  });
}

function complain(text: string) {
  const ctx = {
    db,
    publicUrl: 'http://127.0.0.1',
    attachmentDir: `${server.dir}/attachments`,
    hooks: [createEscalationHook({ publicUrl: 'http://127.0.0.1' })],
  };
  return intake(ctx, webMessage({ sender: { name: '王女士', email: `wang${Math.random()}@example.com` }, text, receivedAt: new Date() }), {
    kind: 'complaint',
    product: 'wealth',
  });
}

describe('the escalation rules page', () => {
  it('lists the rules in order and lets an admin edit one, recorded as a new version with the author', async () => {
    const page = await rulesPage('admin@example.com');
    const keys = await page.$$eval('tr[data-rule]', (rows) => rows.map((r) => r.getAttribute('data-rule')));
    const inDb = db.$client.prepare("select key from escalation_config where kind = 'rule' order by position, key").pluck().all();
    expect(keys).toEqual(inDb);
    expect(await page.textContent(`tr[data-rule="${RULE}"] td[data-version]`)).toBe('1');
    expect(await page.inputValue('details[data-list="regulator"] textarea')).toContain('12378');

    await page.click(`details[data-edit="${RULE}"] summary`);
    const textarea = `details[data-edit="${RULE}"] textarea`;
    const rule = JSON.parse(await page.inputValue(textarea)) as { name: string };
    rule.name = 'Regulator, lawyer or press → high, level 2 (edited)';
    await page.fill(textarea, JSON.stringify(rule, null, 2));
    await page.click(`details[data-edit="${RULE}"] button[type=submit]`);
    await page.waitForSelector(`tr[data-rule="${RULE}"] td[data-version]:text-is("2")`);
    expect(await page.textContent(`tr[data-rule="${RULE}"]`)).toContain('(edited)');
    expect(await page.textContent(`tr[data-rule="${RULE}"] td[data-author]`)).toContain('admin@example.com');
    expect(stored(RULE)).toMatchObject({ version: 2, updated_by: 'admin@example.com' });
    const change = db.$client
      .prepare("select change, author from escalation_config_changes where kind = 'rule' and key = ? order by version desc limit 1")
      .get(RULE);
    expect(change).toEqual({ change: 'updated', author: 'admin@example.com' });
  });

  it('refuses an invalid rule or invalid JSON with the reason shown in place, and saves nothing', async () => {
    const page = await rulesPage('compliance@example.com');
    const before = stored('fraud');
    const textarea = 'details[data-edit="fraud"] textarea';
    await page.click('details[data-edit="fraud"] summary');
    const rule = JSON.parse(await page.inputValue(textarea)) as { actions: { do: string; set?: string }[] };
    rule.actions = rule.actions.map((a) => (a.do === 'priority' ? { ...a, set: 'apocalyptic' } : a));
    await page.fill(textarea, JSON.stringify(rule));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('details[data-edit="fraud"] button[type=submit]'),
    ]);
    expect(response.status()).toBe(400);
    const shown = await page.waitForSelector('ul[data-problems="fraud"]');
    expect(await shown.textContent()).toMatch(/actions\.\d+\.set/);
    // The refused text stays in the box so it can be fixed.
    expect(await page.inputValue(textarea)).toContain('apocalyptic');

    const broken = await post(page, { intent: 'save', key: 'fraud', definition: '{"key": "fraud", ' });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('not valid JSON');
    const renamed = await post(page, { intent: 'save', key: 'fraud', definition: JSON.stringify({ ...rule, key: 'other' }) });
    expect(renamed.status).toBe(400);
    const missing = await post(page, { intent: 'enable', key: 'no-such-rule', enabled: '0' });
    expect(missing.status).toBe(404);
    expect(stored('fraud')).toEqual(before);
  });

  it('gives an agent 404 and refuses a POST without the CSRF token with 403', async () => {
    const agent = await (await browser.newContext()).newPage();
    await signIn(agent, server.url, 'agent@example.com');
    expect((await agent.goto(`${server.url}/staff/admin/rules`))?.status()).toBe(404);

    const page = await rulesPage('admin@example.com');
    const before = stored('fraud');
    const r = await post(page, { intent: 'enable', key: 'fraud', enabled: '0' }, false);
    expect(r.status).toBe(403);
    expect(stored('fraud')).toEqual(before);
  });

  it('edits a phrase list: the next complaint using the new phrase is flagged; a bad list is refused in place', async () => {
    const phrase = '消保委';
    expect(flagsOf(db, complain(`我要去${phrase}反映。`).ticketId).map((f) => f.flag)).not.toContain('regulator');

    const page = await rulesPage('compliance@example.com');
    const textarea = 'details[data-list="regulator"] textarea';
    await page.click('details[data-list="regulator"] summary');
    const list = JSON.parse(await page.inputValue(textarea)) as { phrases: string[] };
    await page.fill(textarea, JSON.stringify({ ...list, phrases: [...list.phrases, phrase] }, null, 2));
    await page.click('details[data-list="regulator"] button[type=submit]');
    await page.waitForSelector('details[data-list="regulator"] summary:has-text("(v2)")');
    const saved = db.$client.prepare("select version, updated_by, definition from escalation_config where kind = 'phrase-list' and key = 'regulator'").get() as {
      version: number;
      updated_by: string;
      definition: string;
    };
    expect(saved).toMatchObject({ version: 2, updated_by: 'compliance@example.com' });
    expect(JSON.parse(saved.definition).phrases).toContain(phrase);

    const flagged = complain(`我要去${phrase}反映。`);
    expect(flagsOf(db, flagged.ticketId).find((f) => f.flag === 'regulator')).toBeTruthy();

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      (async () => {
        // The panel the user opened stays open after a save.
        await page.fill(textarea, '{"phrases": []}');
        await page.click('details[data-list="regulator"] button[type=submit]');
      })(),
    ]);
    expect(response.status()).toBe(400);
    expect(await (await page.waitForSelector('ul[data-problems="list:regulator"]')).textContent()).toMatch(/phrases/);
    expect(await page.inputValue(textarea)).toBe('{"phrases": []}');
    const unknown = await post(page, { intent: 'phrases', key: 'no-such-list', definition: '{"phrases": ["x"]}' });
    expect(unknown.status).toBe(400);
    expect(db.$client.prepare("select version from escalation_config where kind = 'phrase-list' and key = 'regulator'").pluck().get()).toBe(2);
  });

  it('stops a switched-off rule from firing for the next complaint', async () => {
    const first = complain('你们不处理我就打１２３７８投诉。');
    expect(flagsOf(db, first.ticketId).map((f) => f.flag)).toContain('regulator');

    const page = await rulesPage('compliance@example.com');
    await page.click(`tr[data-rule="${RULE}"] button[type=submit]`);
    await page.waitForSelector(`tr[data-rule="${RULE}"] button:text("Switch on")`);
    expect(stored(RULE)).toMatchObject({ enabled: 0, updated_by: 'compliance@example.com' });

    const next = complain('你们不处理我就打１２３７８投诉。');
    expect(flagsOf(db, next.ticketId).map((f) => f.flag)).not.toContain('regulator');
    const fired = eventsOf(db, next.ticketId)
      .filter((e) => e.type === 'rule.fired')
      .map((e) => (JSON.parse(e.data) as { rule: string }).rule);
    expect(fired).not.toContain(RULE);
  });
});
