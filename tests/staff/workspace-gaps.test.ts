// The workspace's remaining pieces against the built server: SLA chips per target (from the
// timers the server's own sweep advances), the customer panel with the risk profile, merging two
// customers and two tickets (and where the next client message then goes), recording an SLA
// extension (the client told through the outbox in their language) and the appraisal pause, and
// renaming and deleting saved views. Over HTTP, plus one Chromium run of the customer merge.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { addStaff, intakeInto, openServerDb, signIn, signInHttp, type StaffHttp } from './support';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

let server: TestServer;
let db: Db;
let sup: StaffHttp;
let agent: StaffHttp;
let agentId: number;
let supId: number;

beforeAll(async () => {
  server = await startServer({ SLA_SWEEP_MS: '100' });
  db = openServerDb(server.databasePath);
  supId = await addStaff(db, { email: 'sup@example.com', name: 'Sam Super', role: 'supervisor', team: 'Wealth' });
  agentId = await addStaff(db, { email: 'agent@example.com', name: 'Alex Agent', role: 'agent', team: 'Wealth' });
  await addStaff(db, { email: 'comp@example.com', name: 'Chen Compliance', role: 'compliance' });
  sup = await signInHttp(server.url, 'sup@example.com');
  agent = await signInHttp(server.url, 'agent@example.com');
});
afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

const sql = <T>(query: string, ...params: unknown[]) => db.$client.prepare(query).all(...params) as T[];
const one = <T>(query: string, ...params: unknown[]) => db.$client.prepare(query).get(...params) as T;
/** The attribute values of elements carrying `name` in the page, in document order. */
const attrs = (html: string, name: string) => [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1]);
/** The data-sla state of one target's chip. */
const chip = (html: string, target: string) => new RegExp(`data-sla="(\\w+)" data-sla-target="${target}"`).exec(html)?.[1];

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('workspace header and customer panel', () => {
  it('shows a chip per SLA target: time left, amber after a warning, red when breached, met, grey when paused', async () => {
    // Received 9 days ago under CN-NFRA: the 1-business-day first response has breached, the
    // 15-day resolution has passed its 50 % warning. The server's sweep fires both.
    const old = intakeInto(db, server.dir, { receivedAt: new Date(Date.now() - 9 * DAY), subject: 'Old complaint' }, { kind: 'complaint' }, { sla: true });
    const page = await until('the sweep to breach and warn', async () => {
      const { html } = await sup.get(`/staff/tickets/${old.reference}`);
      return chip(html, 'first_response') === 'breached' && chip(html, 'resolution') === 'warning' ? html : undefined;
    });
    expect(page).toMatch(/First response: Breached \d/);
    expect(page).toMatch(/Resolution: \d+ d \d+ h left/);

    const fresh = intakeInto(db, server.dir, { subject: 'Fresh complaint' }, { kind: 'complaint' }, { sla: true });
    let html = (await sup.get(`/staff/tickets/${fresh.reference}`)).html;
    expect(chip(html, 'first_response')).toBe('ok');
    expect(chip(html, 'resolution')).toBe('ok');
    expect(html).toMatch(/Resolution: (15 d 0 h|14 d 23 h) left/);

    // A public reply is the first response: met.
    expect((await sup.post(`/staff/tickets/${fresh.reference}`, { intent: 'reply', text: 'We are on it.', seenInboundId: 999999 })).status).toBe(200);
    html = (await sup.get(`/staff/tickets/${fresh.reference}`)).html;
    expect(chip(html, 'first_response')).toBe('met');
    expect(html).toContain('First response: met');
    // Waiting for the client stops the resolution clock.
    expect((await sup.post(`/staff/tickets/${fresh.reference}`, { intent: 'status', status: 'pending' })).status).toBe(200);
    html = (await sup.get(`/staff/tickets/${fresh.reference}`)).html;
    expect(chip(html, 'resolution')).toBe('paused');
    expect(html).toContain('Resolution: paused (waiting for the client)');
  });

  it('shows every email and phone, the risk level and its date, holdings with their risk, vulnerability and other tickets', async () => {
    const first = intakeInto(db, server.dir, { sender: { name: 'Wang Fang', email: 'wang@example.com', phone: '+8613800000001' }, subject: 'Fund sold as deposit' });
    const second = intakeInto(db, server.dir, { sender: { name: 'Wang Fang', email: 'wang.fang@example.com', phone: '+8613800000001' }, subject: 'Second issue' });
    const customerId = one<{ customer_id: number }>('select customer_id from tickets where id = ?', first.ticketId).customer_id;
    expect(one<{ customer_id: number }>('select customer_id from tickets where id = ?', second.ticketId).customer_id).toBe(customerId);
    const now = Date.now();
    db.$client.prepare("insert into customer_profiles (customer_id, risk_level, assessed_on, birth_date, vulnerable, updated_at) values (?, 'C2', '2026-03-14', '1950-05-01', 0, ?)").run(customerId, now);
    db.$client
      .prepare("insert into customer_holdings (customer_id, product_code, name, type, risk_level, updated_at) values (?, 'F-900', 'Global Equity Fund', 'funds', 'R4', ?), (?, 'D-100', 'Time Deposit', 'deposits', 'R1', ?)")
      .run(customerId, now, customerId, now);

    const { status, html } = await agent.get(`/staff/tickets/${first.reference}`);
    expect(status).toBe(200);
    expect(attrs(html, 'data-contact')).toEqual(['wang@example.com', 'wang.fang@example.com', '+8613800000001']);
    expect(html).toContain('data-risk-level="C2"');
    expect(html).toContain('assessed 2026-03-14');
    expect(html).toContain('data-vulnerable');
    expect(html).toMatch(/data-holding="F-900" data-holding-risk="R4">Global Equity Fund \(F-900\) · R4<strong class="warning"> · above the customer’s risk level/);
    expect(html).toMatch(/data-holding="D-100" data-holding-risk="R1">Time Deposit \(D-100\) · R1<\/li>/);
    expect(html).toContain(`href="/staff/tickets/${second.reference}"`);
  });
});

describe('merging', () => {
  it('merges two customers who are one person, for supervisors only, and refuses what makes no sense', async () => {
    const a = intakeInto(db, server.dir, { sender: { name: 'Zhao Lei', email: 'zhao@example.com' }, subject: 'Card fee' });
    const b = intakeInto(db, server.dir, { channel: 'sms', sender: { phone: '+8613911112222' }, subject: 'Text about the card fee' });
    const bCustomer = one<{ customer_id: number }>('select customer_id from tickets where id = ?', b.ticketId).customer_id;
    db.$client.prepare("update customers set customer_number = 'CN-778899' where id = ?").run(bCustomer);

    // An agent is not offered it, and the server refuses it as if it did not exist.
    expect((await agent.get(`/staff/tickets/${a.reference}`)).html).not.toContain('Merge with another customer');
    expect((await agent.post(`/staff/tickets/${a.reference}`, { intent: 'findCustomer', identifier: 'CN-778899' })).status).toBe(404);
    expect((await agent.post(`/staff/tickets/${a.reference}`, { intent: 'mergeCustomer', otherId: bCustomer })).status).toBe(404);

    const unknown = await sup.post(`/staff/tickets/${a.reference}`, { intent: 'findCustomer', identifier: 'nobody@example.com' });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('No customer has the number, email or phone “nobody@example.com”.');
    const self = await sup.post(`/staff/tickets/${a.reference}`, { intent: 'findCustomer', identifier: 'ZHAO@example.com' });
    expect(self.status).toBe(400);
    expect(self.html).toContain('own customer: there is nothing to merge');

    // Found by customer number, by phone as typed locally: shown for confirmation, nothing moved yet.
    for (const identifier of ['CN-778899', '139 1111 2222']) {
      const found = await sup.post(`/staff/tickets/${a.reference}`, { intent: 'findCustomer', identifier });
      expect(found.status).toBe(200);
      expect(found.html).toContain('Merge CN-778899 into this customer? 1 ticket(s) and these contacts move here: +8613911112222.');
    }
    expect(one<{ customer_id: number }>('select customer_id from tickets where id = ?', b.ticketId).customer_id).toBe(bCustomer);

    expect((await sup.post(`/staff/tickets/${a.reference}`, { intent: 'mergeCustomer', otherId: bCustomer })).status).toBe(200);
    const kept = one<{ customer_id: number }>('select customer_id from tickets where id = ?', a.ticketId).customer_id;
    expect(one<{ customer_id: number }>('select customer_id from tickets where id = ?', b.ticketId).customer_id).toBe(kept);
    expect(sql<{ value: string }>('select value from customer_contacts where customer_id = ? order by id', kept).map((c) => c.value)).toEqual(['zhao@example.com', '+8613911112222']);
    expect(one<{ customer_number: string }>('select customer_number from customers where id = ?', kept).customer_number).toBe('CN-778899');
    for (const t of [a, b]) {
      const ev = sql<{ actor_id: string; data: string }>("select actor_id, data from events where ticket_id = ? and type = 'customer.merged'", t.ticketId);
      expect(ev).toHaveLength(1);
      expect(ev[0]!.actor_id).toBe(String(supId));
      expect(JSON.parse(ev[0]!.data)).toMatchObject({ by: 'Sam Super', kept: { id: kept }, merged: { id: bCustomer, contacts: ['+8613911112222'] }, ticketsMoved: 1 });
    }
    const { html } = await sup.get(`/staff/tickets/${b.reference}`);
    expect(attrs(html, 'data-contact')).toEqual(['zhao@example.com', '+8613911112222']);
    expect(html).toContain('Sam Super merged customer CN-778899 · +8613911112222 into Zhao Lei · zhao@example.com');
    // Merging them again makes no sense any more.
    expect((await sup.post(`/staff/tickets/${a.reference}`, { intent: 'findCustomer', identifier: 'CN-778899' })).status).toBe(400);
    expect((await sup.post(`/staff/tickets/${a.reference}`, { intent: 'mergeCustomer', otherId: kept })).status).toBe(400);
    expect((await sup.post(`/staff/tickets/${a.reference}`, { intent: 'mergeCustomer', otherId: 99_999 })).status).toBe(400);
  });

  it('merges a ticket into another of the same customer: thread in time order, closed with a link, timers stopped, next message threads to the target', async () => {
    const t0 = Date.now() - 60 * MIN;
    const sender = { name: 'Liu Yang', email: 'liu@example.com' };
    const target = intakeInto(db, server.dir, { channel: 'email', sender, subject: 'Wrong fee', text: 'First: a fee of 30 was charged.', receivedAt: new Date(t0), providerMessageId: '<liu-1@example.com>' }, { kind: 'complaint' }, { sla: true });
    const source = intakeInto(
      db,
      server.dir,
      {
        channel: 'email',
        sender,
        subject: 'Fee again',
        text: 'Second: here is the statement.',
        receivedAt: new Date(t0 + 10 * MIN),
        providerMessageId: '<liu-2@example.com>',
        attachments: [{ filename: 'statement.pdf', declaredType: 'application/pdf', content: new TextEncoder().encode('%PDF-1.4 fee 30.00') }],
      },
      { kind: 'complaint' },
      { sla: true },
    );
    expect(source.ticketId).not.toBe(target.ticketId);
    expect((await sup.post(`/staff/tickets/${target.reference}`, { intent: 'note', text: 'Third: asked the branch.' })).status).toBe(200);
    const stranger = intakeInto(db, server.dir, { sender: { email: 'someone.else@example.com' }, subject: 'Other person' });

    const refused = await sup.post(`/staff/tickets/${source.reference}`, { intent: 'mergeTicket', target: stranger.reference });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(`${stranger.reference} belongs to another customer.`);
    expect((await sup.post(`/staff/tickets/${source.reference}`, { intent: 'mergeTicket', target: source.reference })).status).toBe(400);
    expect((await agent.post(`/staff/tickets/${source.reference}`, { intent: 'mergeTicket', target: target.reference })).status).toBe(404);

    expect((await sup.post(`/staff/tickets/${source.reference}`, { intent: 'mergeTicket', target: target.reference.toLowerCase() })).status).toBe(200);

    const { html } = await sup.get(`/staff/tickets/${target.reference}`);
    const texts = [...html.matchAll(/<div class="body">([^<]*)<\/div>/g)].map((m) => m[1]);
    expect(texts).toEqual(['First: a fee of 30 was charged.', 'Second: here is the statement.', 'Third: asked the branch.']);
    const attachmentId = one<{ id: number }>('select id from attachments where filename = ?', 'statement.pdf').id;
    expect(html).toContain(`href="/staff/attachments/${attachmentId}"`);
    expect(html).toContain(`Sam Super merged ${source.reference} into this ticket`);

    const merged = await sup.get(`/staff/tickets/${source.reference}`);
    expect(merged.html).toContain('data-status="closed"');
    expect(merged.html).toMatch(new RegExp(`data-merged-into="${target.reference}"><a [^>]*href="/staff/tickets/${target.reference}"[^>]*>Merged into ${target.reference}\\.</a>`));
    expect(merged.html).toContain(`Sam Super merged this ticket into ${target.reference}`);
    expect(sql<{ state: string }>("select state from sla_timers where ticket_id = ? and state in ('running', 'paused')", source.ticketId)).toEqual([]);
    expect(sql<{ state: string }>("select state from sla_timers where ticket_id = ? and state = 'running'", target.ticketId).length).toBe(2);

    // The client answers the mail of the merged ticket: it lands in the target.
    const followUp = intakeInto(db, server.dir, {
      channel: 'email',
      sender,
      subject: 'Re: Fee again',
      text: 'Any news?',
      providerMessageId: '<liu-3@example.com>',
      threadHints: [{ kind: 'message-ids', ids: ['<liu-2@example.com>'] }],
    });
    expect(followUp.ticketId).toBe(target.ticketId);
  });
});

describe('SLA extension and appraisal pause', () => {
  it('records an extension with its approval, tells the client in their language, and stops and restarts the clock for an appraisal', async () => {
    const t = intakeInto(
      db,
      server.dir,
      { sender: { name: '陈静', email: 'chen.jing@example.com' }, language: 'zh', text: '理财产品被当作存款卖给我。' },
      { kind: 'complaint' },
      { sla: true },
    );
    const page = (await agent.get(`/staff/tickets/${t.reference}`)).html;
    expect(page).toContain('Record an SLA extension');
    const before = one<{ due_at: number }>("select due_at from sla_timers where ticket_id = ? and target = 'resolution'", t.ticketId).due_at;

    // The policy wants a senior's approval: an agent approving their own extension is refused.
    const selfApproved = await agent.post(`/staff/tickets/${t.reference}`, { intent: 'extend', step: 1, approver: agentId, reason: '需要调取销售录音' });
    expect(selfApproved.status).toBe(403);
    expect(selfApproved.html).toContain('This extension must be approved by one of the roles: supervisor, compliance, admin.');
    expect((await agent.post(`/staff/tickets/${t.reference}`, { intent: 'extend', step: 2, approver: supId, reason: 'x' })).status).toBe(400);
    expect((await agent.post(`/staff/tickets/${t.reference}`, { intent: 'extend', step: 1, approver: supId, reason: '' })).status).toBe(400);

    const ok = await agent.post(`/staff/tickets/${t.reference}`, { intent: 'extend', step: 1, approver: supId, reason: '需要调取销售录音' });
    expect(ok.status).toBe(200);
    const after = one<{ due_at: number; extension_step: number }>("select due_at, extension_step from sla_timers where ticket_id = ? and target = 'resolution'", t.ticketId);
    expect(after.extension_step).toBe(1);
    expect(after.due_at - before).toBe(15 * DAY);
    const notice = one<{ recipient: string; subject: string; body: string }>("select recipient, subject, body from outbox where ticket_id = ? and purpose = 'sla.extension'", t.ticketId);
    expect(notice.recipient).toBe('chen.jing@example.com');
    expect(notice.subject).toBe(`[${t.reference}] 关于您投诉处理期限延长的告知`);
    expect(notice.body).toContain('延长原因：需要调取销售录音');
    const ev = JSON.parse(one<{ data: string }>("select data from events where ticket_id = ? and type = 'sla.extended'", t.ticketId).data) as { approverId: number; step: number };
    expect(ev).toMatchObject({ approverId: supId, step: 1 });
    expect((await agent.get(`/staff/tickets/${t.reference}`)).html).toContain('Extension step 1 recorded: 需要调取销售录音.');

    expect((await agent.post(`/staff/tickets/${t.reference}`, { intent: 'appraisalStart', reason: '' })).status).toBe(400);
    expect((await agent.post(`/staff/tickets/${t.reference}`, { intent: 'appraisalStart', reason: 'Third-party valuation of the policy' })).status).toBe(200);
    let html = (await agent.get(`/staff/tickets/${t.reference}`)).html;
    expect(chip(html, 'resolution')).toBe('paused');
    expect(html).toContain('Resolution: paused (external appraisal)');
    expect(html).toContain('data-appraisal="on"');
    expect(html).toMatch(/Clock stopped for an appraisal since \d{4}-\d\d-\d\d \d\d:\d\d: Third-party valuation of the policy/);
    expect((await agent.post(`/staff/tickets/${t.reference}`, { intent: 'appraisalEnd' })).status).toBe(200);
    html = (await agent.get(`/staff/tickets/${t.reference}`)).html;
    expect(chip(html, 'resolution')).toBe('ok');
    expect(html).toContain('data-appraisal="off"');
  });
});

describe('saved views', () => {
  it('lets users rename and delete their own saved views only', async () => {
    expect((await sup.post('/staff?index', { intent: 'saveView', name: 'Urgent wealth', query: '?view=open&priority=urgent' })).status).toBe(200);
    expect((await sup.post('/staff?index', { intent: 'saveView', name: 'Breached', query: '?view=breached' })).status).toBe(200);
    const ids = Object.fromEntries(sql<{ id: number; name: string }>('select id, name from saved_views where user_id = ?', supId).map((v) => [v.name, v.id]));

    expect(attrs((await sup.get('/staff')).html, 'data-saved-view')).toEqual(['Breached', 'Urgent wealth']);
    expect((await sup.post('/staff?index', { intent: 'renameView', id: ids['Urgent wealth']!, name: 'Urgent' })).status).toBe(200);
    const clash = await sup.post('/staff?index', { intent: 'renameView', id: ids['Urgent wealth']!, name: 'Breached' });
    expect(clash.status).toBe(409);
    expect(clash.html).toContain('You already have a view named “Breached”.');
    // Another user's view is not theirs to touch.
    expect((await agent.post('/staff?index', { intent: 'renameView', id: ids.Breached!, name: 'Mine now' })).status).toBe(404);
    expect((await agent.post('/staff?index', { intent: 'deleteView', id: ids.Breached! })).status).toBe(404);
    expect((await sup.post('/staff?index', { intent: 'deleteView', id: ids.Breached! })).status).toBe(200);
    const html = (await sup.get('/staff')).html;
    expect(attrs(html, 'data-saved-view')).toEqual(['Urgent']);
    expect(html).toContain('href="/staff?view=open&amp;priority=urgent"');
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds and merges the other customer, records an extension and renames and deletes a saved view in the browser', async () => {
    const a = intakeInto(db, server.dir, { sender: { name: 'Sun Mei', email: 'sun.mei@example.com' }, subject: 'Loan rate' }, { kind: 'complaint' }, { sla: true });
    intakeInto(db, server.dir, { channel: 'sms', sender: { phone: '+8613700001111' }, subject: 'SMS about the loan rate' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, 'comp@example.com');
    await page.goto(`${server.url}/staff/tickets/${a.reference}`);
    expect(await page.getAttribute('[data-sla-target=resolution]', 'data-sla')).toBe('ok');
    await page.fill('input[name=identifier]', '13700001111');
    await page.click('button:text("Find")');
    await page.waitForSelector('[data-merge-confirm]');
    expect(await page.textContent('[data-merge-confirm] p')).toContain('+8613700001111');
    await page.click('button:text("Confirm the merge")');
    await page.waitForSelector('[data-contact="+8613700001111"]');
    expect(await page.$$eval('[data-contact]', (els) => els.map((e) => e.getAttribute('data-contact')))).toEqual(['sun.mei@example.com', '+8613700001111']);
    await page.waitForSelector('[data-event="customer.merged"]');

    // The extension form of the same page: step, approver, reason; the new due time in the list.
    await page.selectOption('[data-extend] select[name=approver]', { label: 'Sam Super (Supervisor)' });
    await page.fill('[data-extend] textarea[name=reason]', 'Waiting for the loan file from the branch');
    await page.click('button:text("Record the extension")');
    await page.waitForSelector('[data-event="sla.extended"]');
    expect(await page.textContent('[data-event="sla.extended"]')).toContain('Extension step 1 recorded: Waiting for the loan file from the branch.');

    // Saved views: save the current queue, rename it in place, delete it.
    await page.goto(`${server.url}/staff?view=open&priority=high`);
    await page.click('summary:text("Filters")');
    await page.fill('input[name=name]', 'High');
    await page.click('button:text("Save")');
    await page.waitForSelector('[data-saved-view="High"]', { state: 'attached' });
    await page.click('summary:text("Manage saved views")');
    await page.fill('[data-saved-view="High"] input[name=name]', 'High priority');
    await page.click('[data-saved-view="High"] button:text("Rename")');
    await page.waitForSelector('[data-saved-view="High priority"]', { state: 'attached' });
    if (!(await page.isVisible('[data-saved-view="High priority"]'))) await page.click('summary:text("Manage saved views")');
    await page.click('[data-saved-view="High priority"] button:text("Delete")');
    await page.waitForSelector('[data-manage-views]', { state: 'detached' });
    await page.context().close();
  });
});
