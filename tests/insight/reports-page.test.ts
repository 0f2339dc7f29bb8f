// The reports page against the built server: compliance sees the hand-computed month's figures
// as SVG charts with their tables, an agent gets 404 on the page and its downloads, a bad
// filter is a 400 with the reason, and the ticket CSV downloads with its BOM and Chinese text,
// quotes and commas intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { parseCsv } from '../support/csv-parse';
import { startServer, type TestServer } from '../support/server';
import { addStaff, openServerDb, PASSWORD } from '../staff/support';
import { buildFactsFixture, COMMENT_A, LESSON_A, SUBJECT_A } from './facts-fixture';

let server: TestServer;
let db: Db;
let fixture: ReturnType<typeof buildFactsFixture>;

/** Signs in through the real form (its double-submit token included) and returns the session cookie. */
async function signIn(email: string): Promise<string> {
  const form = await fetch(`${server.url}/staff/login`);
  const csrf = /redress_login_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const res = await fetch(`${server.url}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `redress_login_csrf=${csrf}` },
    body: new URLSearchParams({ email, password: PASSWORD, csrf, redirectTo: '/staff' }),
  });
  expect(res.status).toBe(302);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.startsWith('redress_login_csrf='))
    .join('; ');
}

const get = (path: string, cookie: string) => fetch(`${server.url}${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
const MARCH = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  server = await startServer();
  db = openServerDb(server.databasePath);
  await addStaff(db, { email: 'compliance@bank.example', name: '王合规', role: 'compliance', language: 'zh' });
  await addStaff(db, { email: 'lead@bank.example', name: 'Lee Lead', role: 'supervisor', language: 'en' });
  await addStaff(db, { email: 'agent@bank.example', name: 'Ann Agent', role: 'agent', team: 'Wealth' });
  fixture = buildFactsFixture({ db, publicUrl: 'http://127.0.0.1', attachmentDir: `${server.dir}/attachments`, hooks: [] });
});
afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

describe('reports page', () => {
  it('shows compliance the month’s figures as charts with their numbers', async () => {
    const cookie = await signIn('compliance@bank.example');
    const res = await get(`/staff/reports?${MARCH}`, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    // Charts are server-drawn SVG with an accessible title, each beside its table.
    expect(html.match(/<svg role="img"/g)!.length).toBeGreaterThanOrEqual(10);
    expect(html).toContain('<title id=');
    expect(html).toContain('每日新受理工单');
    expect(html).toContain('data-total="2"');
    // SLA: one of two first responses on time; 2 business hours median, 16 at the 90th percentile.
    expect(html).toMatch(/确认受理|首次答复/);
    expect(html).toContain('50.0% (1 / 2)');
    expect(html).toContain('不超过 2 小时 0 分');
    expect(html).toContain('不超过 16 小时 0 分');
    expect(html).toContain('不超过 3 天 0 小时');
    // Outcomes, lessons, risk, satisfaction and staff quality.
    expect(html).toContain('data-upheld="1"');
    expect(html).toContain('5,000.00');
    expect(html).toContain('网点');
    expect(html).toContain('产品风险高于客户风险承受能力');
    expect(html).toContain(LESSON_A.replace(/'/g, '&#x27;'));
    expect(html).toContain(COMMENT_A);
    expect(html).toContain('平均评分 3.50（满分 5），共 2 份评价');
    expect(html).toMatch(/data-agent="an"[^]*?<td>1<\/td><td>1<\/td><td>100.0%<\/td><td>0<\/td>/);
    expect(html).toMatch(/data-agent="bo"[^]*?<td>1<\/td><td>0<\/td><td>0.0%<\/td><td>2<\/td>/);
    expect(html).toContain(`/staff/reports/tickets.csv?${MARCH.replace('&', '&amp;')}`);
    expect(html).toContain('/staff/reports/return.csv?half=2026H1&amp;regime=cn');

    // The lesson search narrows the list; a filter narrows the figures.
    const searched = await (await get(`/staff/reports?${MARCH}&q=${encodeURIComponent('不保本')}`, cookie)).text();
    expect(searched).toContain('不保本');
    expect(searched).not.toContain('Fee schedule was clear');
    const cards = await (await get(`/staff/reports?${MARCH}&team=${fixture.cards}`, cookie)).text();
    expect(cards).toContain('data-total="1"');
    expect(cards).not.toContain('data-agent="an"');
  });

  it('answers a bad filter with 400 and the reason', async () => {
    const cookie = await signIn('compliance@bank.example');
    const res = await get('/staff/reports?from=2026-02-30&to=2026-03-31', cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('from: is not a real date');
    const csv = await get('/staff/reports/tickets.csv?from=2026-04-01&to=2026-03-01', cookie);
    expect(csv.status).toBe(400);
    expect(await csv.text()).toContain('from: must not be after to');
  });

  it('lets supervisors in and gives agents 404', async () => {
    expect((await get(`/staff/reports?${MARCH}`, await signIn('lead@bank.example'))).status).toBe(200);
    const agent = await signIn('agent@bank.example');
    for (const path of [`/staff/reports?${MARCH}`, `/staff/reports/tickets.csv?${MARCH}`, '/staff/reports/return.csv?half=2026H1&regime=fca']) {
      expect((await get(path, agent)).status).toBe(404);
    }
    expect(await (await get('/staff', agent)).text()).not.toContain('href="/staff/reports"');
  });

  it('downloads the period’s tickets as CSV with a BOM and the Chinese text intact', async () => {
    const cookie = await signIn('compliance@bank.example');
    const res = await get(`/staff/reports/tickets.csv?${MARCH}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="redress-tickets-2026-03-01-to-2026-03-31.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['reference', 'received_at', 'channel']);
    const col = (name: string) => header.indexOf(name);
    expect(rows.slice(1).map((r) => [r[col('reference')], r[col('product')], r[col('summary')]])).toEqual([
      [fixture.a.reference, 'wealth', SUBJECT_A],
      [fixture.b.reference, 'cards', expect.any(String)],
    ]);
    const fca = await get('/staff/reports/return.csv?half=2026H1&regime=cn', cookie);
    expect(fca.status).toBe(200);
    expect(await fca.text()).toContain('理财');
  });
});
