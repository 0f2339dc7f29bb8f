// A supervisor's day in Chromium: sign in, a new complaint appears without a reload, assign it,
// reply by email (threaded to the client's message), set it pending (SLA chip paused), resolve
// it with the case review (decision with referral rights and a rating link the client uses),
// and an email whose HTML carries a script is shown without the script ever running.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { addStaff, intakeInto, openServerDb, signIn } from './support';

let server: TestServer;
let browser: Browser;
let db: Db;
let page: Page;

beforeAll(async () => {
  server = await startServer({ OUTBOX_INTERVAL_MS: '100' });
  db = openServerDb(server.databasePath);
  await addStaff(db, { email: 'sup@example.com', name: 'Sam Super', role: 'supervisor', team: 'Wealth' });
  browser = await launchBrowser();
  page = await browser.newPage();
  await signIn(page, server.url, 'sup@example.com');
});
afterAll(async () => {
  await browser?.close();
  db?.$client.close();
  await server?.stop();
});

async function emlFiles(): Promise<{ name: string; raw: string }[]> {
  try {
    return readdirSync(server.outboxDir)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((name) => ({ name, raw: readFileSync(join(server.outboxDir, name), 'utf8') }));
  } catch {
    return [];
  }
}

/** Polls the outbox folder (bounded) until a mail matching `test` is there. */
async function waitForMail(test: (text: string) => boolean) {
  for (let i = 0; i < 100; i++) {
    for (const f of await emlFiles()) {
      const mail = await simpleParser(f.raw);
      if (test(mail.text ?? '')) return { mail, raw: f.raw };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no matching mail in ${server.outboxDir}`);
}

describe('staff workflow', () => {
  it('shows a new complaint in the open queue without a reload', async () => {
    await page.goto(`${server.url}/staff?view=open`);
    await page.waitForSelector('[data-live=on]');
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const { reference } = intakeInto(db, server.dir, { subject: 'Live arrival: fees charged twice' });
    await page.waitForSelector(`tr[data-reference="${reference}"]`, { timeout: 15_000 });
    // Same document: the page was revalidated, not reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);
    expect(await page.textContent('[data-count=open]')).toBe('1');
  });

  it('assigns, replies by email threaded to the client, sets pending and resolves with a case review', async () => {
    const { reference } = intakeInto(db, server.dir, {
      channel: 'email',
      sender: { name: 'Ann Client', email: 'ann@example.com' },
      subject: 'Unsuitable fund',
      text: 'I was sold a high-risk fund although I asked for low risk.',
      providerMessageId: '<client-msg-1@example.com>',
    });
    await page.goto(`${server.url}/staff/tickets/${reference}`);
    await page.click('button:text("Assign to me")');
    await page.waitForSelector('text=Saved.');

    await page.goto(`${server.url}/staff?view=mine`);
    await page.waitForSelector(`tr[data-reference="${reference}"]`);
    expect(await page.textContent(`tr[data-reference="${reference}"] [data-assignee]`)).toBe('Sam Super');

    await page.goto(`${server.url}/staff/tickets/${reference}`);
    await page.fill('#composer', 'We are looking into the sale of this fund and will write again within 5 days.');
    await page.click('button[name=intent][value=reply]');
    await page.waitForSelector('text=Saved.');
    const reply = await waitForMail((t) => t.includes('We are looking into the sale'));
    expect(reply.mail.inReplyTo).toBe('<client-msg-1@example.com>');
    expect(reply.mail.subject).toContain(reference);
    expect(reply.mail.to && 'text' in reply.mail.to ? reply.mail.to.text : '').toContain('ann@example.com');

    await page.selectOption('select[name=status]', 'pending');
    await page.click('button:text("Change status")');
    await page.waitForSelector('[data-status=pending]');
    expect(await page.getAttribute('.ws-header .chip', 'data-sla')).toBe('paused');

    await page.click('summary:text("Resolve with case review")');
    await page.selectOption('select[name=outcome]', 'partly_upheld');
    await page.fill('input[name=redress]', '150.00');
    await page.selectOption('select[name=rootCause]', 'unsuitable_product');
    await page.fill('textarea[name=lesson]', 'Check the risk questionnaire before every fund sale.');
    await page.fill('textarea[name=explanation]', 'The fund did not match your risk profile; we refund the fees.');
    await page.selectOption('select[name=regime]', 'UK-FCA');
    await page.click('form[aria-label="Resolve with case review"] button[type=submit]');
    await page.waitForSelector('[data-status=resolved]');
    expect(await page.textContent('[data-review]')).toContain('Check the risk questionnaire');

    const decision = await waitForMail((t) => t.includes('partly upheld'));
    expect(decision.mail.text).toContain('Financial Ombudsman Service');
    expect(decision.mail.text).toContain('150.00');
    const link = /https?:\/\/\S+\/track\/[\w-]+\/rate/.exec(decision.mail.text ?? '')?.[0];
    expect(link).toBeTruthy();

    // The client rates the service through the link (on this server's address).
    const client = await browser.newPage();
    await client.goto(`${server.url}${new URL(link!).pathname}`);
    await client.check('input[name=score][value="4"]');
    await client.fill('#comment', 'Slow but fair.');
    await client.click('button[type=submit]:text("Send rating")');
    await client.waitForSelector('text=Thank you for your rating.');
    const rating = db.$client.prepare('select score, comment from ratings').get() as { score: number; comment: string };
    expect(rating).toEqual({ score: 4, comment: 'Slow but fair.' });
    await client.close();
  });

  it('shows email HTML with the script never running and remote images only when asked', async () => {
    const hits: string[] = [];
    const beacon: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/gif' }).end();
    });
    await new Promise<void>((ok) => beacon.listen(0, '127.0.0.1', ok));
    const port = (beacon.address() as { port: number }).port;
    try {
      const { reference } = intakeInto(db, server.dir, {
        channel: 'email',
        sender: { email: 'html@example.com' },
        subject: 'HTML mail',
        text: 'Hello from HTML',
        html: `<p id="greeting">Hello from HTML</p><script>document.body.setAttribute('data-pwned','1');fetch('http://127.0.0.1:${port}/script');parent.document.title='pwned';</script><img src="http://127.0.0.1:${port}/remote.gif" alt="logo">`,
        providerMessageId: '<html-1@example.com>',
      });
      await page.goto(`${server.url}/staff/tickets/${reference}`);
      const frame = page.frameLocator('iframe[data-email-frame]');
      await frame.locator('#greeting').waitFor();
      expect(await page.getAttribute('iframe[data-email-frame]', 'sandbox')).toBe('');
      expect(await frame.locator('body').getAttribute('data-pwned')).toBeNull();
      expect(await page.title()).not.toBe('pwned');

      // Asking for images loads the remote image (the beacon works), and still runs no script.
      await page.click('button:text("Show remote images")');
      await frame.locator('#greeting').waitFor();
      for (let i = 0; i < 100 && !hits.includes('/remote.gif'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(hits).toContain('/remote.gif');
      expect(hits).not.toContain('/script');
      expect(await frame.locator('body').getAttribute('data-pwned')).toBeNull();
    } finally {
      beacon.close();
    }
  });
});
