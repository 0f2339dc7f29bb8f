// The JSON API's write side over HTTP against the built server: create (with idempotency),
// PATCH with per-role permissions, replies through the outbox, notes, and bad input.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server';
import { client, seededDir, tokensFor } from './support';

let server: TestServer;
let tokens: ReturnType<typeof tokensFor>;
let db: Database.Database;
const as = (role: keyof typeof tokens) => client(server.url, tokens[role]);

const complaint = {
  channel: 'phone',
  name: '王芳',
  email: 'Wang.Fang@Example.cn',
  phone: '138 0013 8000',
  product: 'cards',
  cause: 'fees',
  amount: '680.50',
  occurredOn: '2026-01-15',
  description: '信用卡年费未经同意扣收 <script>alert(1)</script>',
  outcomeWanted: '退还年费',
  consentToContact: true,
};

/** The outbox folder's mails, decoded (subjects and bodies are encoded on the wire). */
async function mails(dir: string): Promise<{ to: string; subject: string; text: string; messageId: string }[]> {
  if (!existsSync(dir)) return [];
  return Promise.all(
    readdirSync(dir).map(async (name) => {
      const m = await simpleParser(readFileSync(join(dir, name)));
      return { to: m.to ? (Array.isArray(m.to) ? m.to[0]! : m.to).text : '', subject: m.subject ?? '', text: m.text ?? '', messageId: m.messageId ?? '' };
    }),
  );
}

async function waitFor<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  const { dir, databasePath } = seededDir(0);
  tokens = tokensFor(databasePath);
  db = new Database(databasePath);
  db.prepare(
    "insert into staff_users (email, name, role, password_hash, created_at) values ('agent@bank.example', 'Lin Xiao', 'agent', 'x', 0), ('gone@bank.example', 'Gone', 'agent', 'x', 0)",
  ).run();
  db.prepare("update staff_users set disabled_at = 1 where email = 'gone@bank.example'").run();
  server = await startServer({}, dir);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('POST /api/v1/tickets', () => {
  it('opens a ticket through intake, normalizing contacts and storing text as given', async () => {
    const res = await as('agent')('/api/v1/tickets', { method: 'POST', body: complaint });
    expect(res.status).toBe(201);
    const t = res.json.ticket;
    expect(t).toMatchObject({ kind: 'complaint', channel: 'phone', status: 'new', product: 'cards', cause: 'fees', amount: { minor: 68050, currency: 'CNY' } });
    expect(t.reference).toMatch(/^CMP-\d{4}-\d{6}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/tickets/${t.reference}`);
    expect(res.json.trackingUrl).toMatch(/\/track\/[\w-]{40,}$/);
    const detail = await as('agent')(`/api/v1/tickets/${t.reference}`);
    expect(detail.json.customer.contacts.map((c: { value: string }) => c.value).sort()).toEqual(['+8613800138000', 'wang.fang@example.cn']);
    expect(detail.json.messages[0].text).toBe(complaint.description);
    expect(detail.json.events[0]).toMatchObject({ type: 'ticket.created', actorType: 'api' });
    // A complaint runs on the CN-NFRA policy: a first-response and a resolution timer.
    const targets = detail.json.sla.map((s: { target: string; policy: string; state: string }) => [s.target, s.policy, s.state]);
    expect(targets).toEqual(expect.arrayContaining([['resolution', 'cn-nfra', 'running']]));
    expect(detail.json.customerProfile).toMatchObject({ riskLevel: null, holdings: [] });
    // The client consented: the acknowledgement goes out by email from the outbox.
    const ack = await waitFor(async () => (await mails(server.outboxDir)).find((m) => m.subject.includes(t.reference)), 'the acknowledgement .eml');
    expect(ack.to).toBe('wang.fang@example.cn');
    expect(ack.text).toContain(res.json.trackingUrl);
  });

  it('returns the same ticket when retried with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'crm-4711' };
    const first = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, description: 'once only' }, headers });
    const again = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, description: 'once only' }, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.replayed).toBe(true);
    expect(again.json.ticket.reference).toBe(first.json.ticket.reference);
    const count = db.prepare("select count(*) from messages where text = 'once only'").pluck().get();
    expect(count).toBe(1);
    const reused = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, description: 'something else' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
  });

  it('refuses bad input with 400 and the reason per field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...complaint, email: undefined, phone: undefined }, 'email'],
      [{ ...complaint, product: 'crypto' }, 'product'],
      [{ ...complaint, cause: undefined }, 'cause'],
      [{ ...complaint, phone: '12' }, 'phone'],
      [{ ...complaint, email: 'not-an-email' }, 'email'],
      [{ ...complaint, description: '' }, 'description'],
      [{ ...complaint, description: 'x'.repeat(10_001) }, 'description'],
      [{ ...complaint, amount: '-5' }, 'amount'],
      [{ ...complaint, occurredOn: '2026-02-30' }, 'occurredOn'],
      [{ ...complaint, occurredOn: '2999-01-01' }, 'occurredOn'],
      [{ ...complaint, channel: 'sms' }, 'channel'],
      [{ ...complaint, admin: true }, '_'],
      [{ kind: 'feedback', channel: 'web', email: 'a@example.com', description: 'nice' }, 'feedbackType'],
    ];
    for (const [body, field] of cases) {
      const res = await as('agent')('/api/v1/tickets', { method: 'POST', body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(Object.keys(res.json.error.fields), field).toContain(field);
    }
  });

  it('refuses a body that is not JSON, malformed or too large', async () => {
    const agent = as('agent');
    expect((await agent('/api/v1/tickets', { method: 'POST', body: 'channel=web', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    const broken = await agent('/api/v1/tickets', { method: 'POST', body: '{"channel": ' });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('invalid_json');
    const huge = await agent('/api/v1/tickets', { method: 'POST', body: JSON.stringify({ ...complaint, description: 'x'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('too_large');
  });

  it('is refused to a compliance token (403) and to no token (401)', async () => {
    expect((await as('compliance')('/api/v1/tickets', { method: 'POST', body: complaint })).status).toBe(403);
    expect((await client(server.url)('/api/v1/tickets', { method: 'POST', body: complaint })).status).toBe(401);
  });
});

describe('PATCH /api/v1/tickets/:reference', () => {
  async function newTicket(): Promise<string> {
    const res = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, consentToContact: false } });
    return res.json.ticket.reference;
  }
  const staffId = (email: string) => db.prepare('select id from staff_users where email = ?').pluck().get(email) as number;

  it('changes status and priority for an agent, logging each change once', async () => {
    const ref = await newTicket();
    const patch = (body: unknown) => as('agent')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body });
    const first = await patch({ status: 'pending', priority: 'high', statusReason: 'waiting for the statement' });
    expect(first.status).toBe(200);
    expect(first.json.ticket).toMatchObject({ status: 'pending', priority: 'high' });
    expect(first.json.changes).toEqual(['priority.changed', 'status.changed']);
    const again = await patch({ status: 'pending', priority: 'high' });
    expect(again.json.changes).toEqual([]);
    const bad = await patch({ status: 'new' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/cannot become new/);
  });

  it('lets supervisors assign and refuses agents, with unknown or disabled staff as 400', async () => {
    const ref = await newTicket();
    const target = staffId('agent@bank.example');
    expect((await as('agent')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { assigneeId: target } })).status).toBe(403);
    const ok = await as('supervisor')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { assigneeId: target } });
    expect(ok.status).toBe(200);
    expect(ok.json.ticket.assignee).toMatchObject({ id: target, name: 'Lin Xiao' });
    expect((await as('supervisor')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { assigneeId: 999 } })).status).toBe(400);
    expect((await as('supervisor')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { assigneeId: staffId('gone@bank.example') } })).status).toBe(400);
    const unassign = await as('supervisor')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { assigneeId: null } });
    expect(unassign.json.ticket.assignee).toBeNull();
  });

  it('lets compliance raise and clear flags, and nobody else below admin', async () => {
    const ref = await newTicket();
    const flags = { flags: { add: [{ flag: 'mis_selling_risk', detail: '保本保息' }] } };
    expect((await as('supervisor')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: flags })).status).toBe(403);
    const raised = await as('compliance')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: flags });
    // Escalation rules may have raised flags of their own (repeat complaints from this client).
    expect(raised.json.ticket.flags).toEqual(expect.arrayContaining([expect.objectContaining({ flag: 'mis_selling_risk', detail: '保本保息' })]));
    expect((await as('compliance')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { status: 'open' } })).status).toBe(403);
    const cleared = await as('admin')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { flags: { remove: ['mis_selling_risk'] } } });
    expect(cleared.json.ticket.flags.map((f: { flag: string }) => f.flag)).not.toContain('mis_selling_risk');
    expect(cleared.json.changes).toEqual(['flag.removed']);
  });

  it('refuses an empty or unknown patch with 400, an unknown ticket with 404, other methods with 405', async () => {
    const ref = await newTicket();
    expect((await as('admin')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: {} })).status).toBe(400);
    expect((await as('admin')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { level: 3 } })).status).toBe(400);
    expect((await as('admin')(`/api/v1/tickets/${ref}`, { method: 'PATCH', body: { flags: { add: [{ flag: 'Bad Flag!' }] } } })).status).toBe(400);
    expect((await as('admin')('/api/v1/tickets/CMP-2026-999999', { method: 'PATCH', body: { priority: 'low' } })).status).toBe(404);
    const del = await as('admin')(`/api/v1/tickets/${ref}`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, PATCH');
  });
});

describe('replies and notes', () => {
  it('replies by email through the outbox and records the message', async () => {
    const created = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, consentToContact: false, email: 'reply.me@example.com', phone: '+44 7911 123456' } });
    const ref = created.json.ticket.reference;
    const res = await as('agent')(`/api/v1/tickets/${ref}/replies`, { method: 'POST', body: { text: 'We have refunded the fee. 年费已退还。' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ channel: 'email', queued: true, replayed: false });
    const reply = await waitFor(
      async () => (await mails(server.outboxDir)).find((m) => m.to === 'reply.me@example.com' && m.subject.includes(ref)),
      'the reply .eml',
    );
    expect(reply.text).toContain('年费已退还');
    expect(reply.messageId).toMatch(/^<cmp-/);
    const sms = await as('agent')(`/api/v1/tickets/${ref}/replies`, { method: 'POST', body: { text: 'hello', channel: 'sms' } });
    expect(sms.status).toBe(201);
    const queued = db.prepare("select status from outbox where recipient = '+447911123456' and purpose = 'reply' order by id desc").pluck().get();
    expect(queued).toBe('queued');
  });

  it('adds an internal note that the client never sees, and checks roles and input', async () => {
    const created = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, consentToContact: false } });
    const ref = created.json.ticket.reference;
    const note = await as('compliance')(`/api/v1/tickets/${ref}/notes`, { method: 'POST', body: { text: '需复核录音' } });
    expect(note.status).toBe(201);
    const detail = await as('agent')(`/api/v1/tickets/${ref}`);
    expect(detail.json.messages.at(-1)).toMatchObject({ direction: 'note', text: '需复核录音' });
    expect((await as('compliance')(`/api/v1/tickets/${ref}/replies`, { method: 'POST', body: { text: 'hi' } })).status).toBe(403);
    expect((await as('agent')(`/api/v1/tickets/${ref}/notes`, { method: 'POST', body: { text: '   ' } })).status).toBe(400);
    expect((await as('agent')(`/api/v1/tickets/${ref}/notes`, { method: 'POST', body: { text: 'x', extra: 1 } })).status).toBe(400);
    expect((await as('agent')('/api/v1/tickets/CMP-2026-999999/notes', { method: 'POST', body: { text: 'x' } })).status).toBe(404);
    expect((await as('agent')(`/api/v1/tickets/${ref}/notes`)).status).toBe(405);
  });

  it('sends a reply once when it is retried with the same Idempotency-Key', async () => {
    const created = await as('agent')('/api/v1/tickets', { method: 'POST', body: { ...complaint, consentToContact: false, email: 'once@example.com', phone: undefined } });
    const ref = created.json.ticket.reference;
    const post = (path: string, text: string, key: string) => as('agent')(`/api/v1/tickets/${ref}/${path}`, { method: 'POST', body: { text }, headers: { 'Idempotency-Key': key } });
    const first = await post('replies', 'Only once, please.', 'reply-1');
    const again = await post('replies', 'Only once, please.', 'reply-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ ...first.json, replayed: true });
    const rows = db.prepare("select count(*) from outbox where recipient = 'once@example.com' and purpose = 'reply'").pluck().get();
    expect(rows).toBe(1);
    expect((await post('notes', 'a note', 'reply-1')).status).toBe(422);
    const note = await post('notes', 'a note', 'note-1');
    expect((await post('notes', 'a note', 'note-1')).json).toEqual({ ...note.json, replayed: true });
    expect(db.prepare("select count(*) from messages where text = 'a note'").pluck().get()).toBe(1);
  });
});
