// The JSON API's read side over HTTP against the built server: auth, filters, keyset pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, type TestServer } from '../support/server';
import { client, seededDir, tokensFor } from './support';

let server: TestServer;
let api: ReturnType<typeof client>;
let db: Database.Database;
const SEEDED = 320;

beforeAll(async () => {
  const { dir, databasePath } = seededDir(SEEDED);
  const tokens = tokensFor(databasePath);
  server = await startServer({}, dir);
  api = client(server.url, tokens.agent);
  db = new Database(databasePath, { readonly: true });
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('GET /api/v1/tickets', () => {
  it('refuses a missing, malformed or unknown token with 401 JSON', async () => {
    for (const auth of [undefined, 'Bearer', 'Basic abc', 'Bearer rdr_notARealTokenAtAll1234567890']) {
      const res = await fetch(`${server.url}/api/v1/tickets`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await res.json();
      expect(body.error.code).toBe('unauthorized');
    }
  });

  it('pages through every ticket newest first, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api(`/api/v1/tickets?limit=37${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json.tickets.length).toBeLessThanOrEqual(37);
      seen.push(...res.json.tickets.map((t: { reference: string }) => t.reference));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const expected = db.prepare('select reference from tickets order by created_at desc, id desc').pluck().all();
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(SEEDED);
    expect(pages).toBe(Math.ceil(SEEDED / 37));
  });

  it('answers in camelCase with ISO-8601 UTC times and stable codes', async () => {
    const res = await api('/api/v1/tickets?limit=1');
    const [t] = res.json.tickets;
    expect(t.reference).toMatch(/^(CMP|FBK|ENQ)-\d{4}-\d{6}$/);
    expect(t.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Object.keys(t)).toEqual(expect.arrayContaining(['lastMessageAt', 'consentToContact', 'feedbackType']));
    expect(Object.keys(t).some((k) => k.includes('_'))).toBe(false);
  });

  it('filters by status, channel, kind, priority, product and cause, alone and together', async () => {
    const cases: [string, string][] = [
      ['status=closed', "status = 'closed'"],
      ['channel=sms', "channel = 'sms'"],
      ['kind=feedback', "kind = 'feedback'"],
      ['priority=urgent', "priority = 'urgent'"],
      ['product=wealth', "product = 'wealth'"],
      ['cause=fraud', "cause = 'fraud'"],
      ['status=open,pending&channel=web', "status in ('open','pending') and channel = 'web'"],
      ['status=new&status=open', "status in ('new','open')"],
      ['kind=complaint&product=loans&cause=fees', "kind = 'complaint' and product = 'loans' and cause = 'fees'"],
    ];
    for (const [query, where] of cases) {
      const expected = db.prepare(`select reference from tickets where ${where} order by created_at desc, id desc`).pluck().all();
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await api(`/api/v1/tickets?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status, query).toBe(200);
        got.push(...res.json.tickets.map((t: { reference: string }) => t.reference));
        cursor = res.json.nextCursor;
      } while (cursor);
      expect(got, query).toEqual(expected);
    }
  });

  it('finds a ticket by its reference or by words of its subject', async () => {
    const ref = db.prepare('select reference from tickets order by id limit 1 offset 7').pluck().get() as string;
    const byRef = await api(`/api/v1/tickets?q=${ref.toLowerCase()}`);
    expect(byRef.json.tickets.map((t: { reference: string }) => t.reference)).toEqual([ref]);
    const bySubject = await api(`/api/v1/tickets?q=${encodeURIComponent('信用卡年费')}&limit=200`);
    const expected = db.prepare("select count(*) from tickets where subject like '%信用卡年费%'").pluck().get() as number;
    expect(bySubject.json.tickets.length).toBe(Math.min(expected, 200));
    expect(expected).toBeGreaterThan(0);
    const percent = await api('/api/v1/tickets?q=%25%25');
    expect(percent.json.tickets).toEqual([]);
  });

  it('answers bad queries with 400 JSON naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['limit=201', /limit/],
      ['limit=0', /limit/],
      ['limit=ten', /limit/],
      ['status=lost', /status/],
      ['product=crypto', /product/],
      ['sort=oldest', /sort/],
      ['cursor=not-a-cursor', /cursor/],
      [`cursor=${Buffer.from('{"t":"x","i":1}').toString('base64url')}`, /cursor/],
      [`cursor=${'A'.repeat(300)}`, /cursor/],
    ];
    for (const [query, reason] of cases) {
      const res = await api(`/api/v1/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.message, query).toMatch(reason);
    }
  });
});

describe('GET /api/v1/tickets/:reference', () => {
  it('gives the ticket, the customer’s contacts, messages and events', async () => {
    const ref = db.prepare("select reference from tickets where status = 'closed' limit 1").pluck().get() as string;
    const res = await api(`/api/v1/tickets/${ref}`);
    expect(res.status).toBe(200);
    expect(res.json.ticket.reference).toBe(ref);
    expect(res.json.customer.contacts.length).toBeGreaterThan(0);
    expect(res.json.messages[0]).toMatchObject({ direction: 'in', attachments: [] });
    expect(res.json.events.map((e: { type: string }) => e.type)).toEqual(['ticket.created', 'message.received', 'status.changed']);
    expect(res.json.events[2].data).toMatchObject({ to: 'closed' });
  });

  it('answers 404 JSON for an unknown or malformed reference', async () => {
    for (const ref of ['CMP-2026-999999', 'nonsense', '%00']) {
      const res = await api(`/api/v1/tickets/${ref}`);
      expect(res.status, ref).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    const other = await api('/api/v1/nothing/here');
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('describes every endpoint and the shapes, without a token', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/tickets', '/tickets/{reference}', '/tickets/{reference}/replies', '/tickets/{reference}/notes']);
    expect(doc.components.schemas.CreateTicket.properties.product.enum).toContain('wealth');
    expect(doc.components.schemas.CreateTicket.required).toEqual(expect.arrayContaining(['channel', 'description']));
    expect(doc.components.schemas.Ticket.properties.createdAt.format).toBe('date-time');
  });
});
