// The database full, for real: the server runs with a quota (DB_MAX_PAGES, SQLite's
// max_page_count, which fails a write with SQLITE_FULL exactly as a full disk does) and the
// test fills the file up to it from another connection. Every edge then refuses in the way its
// client retries on (the web form a "please try again" page with 503 in both languages, the
// Twilio webhook a 5xx, SMTP 451, the email webhook and the API 503), nothing is acknowledged
// that was not stored, and once space returns the very same submissions are stored, once.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newSubmissionId } from '../../app/portal/submission-id.server';
import { validComplaint } from '../portal/portal-client';
import { mailText, query } from '../support/email';
import { sidOf, type FakeTwilio } from '../support/fake-twilio';
import { multipartBody, rawRequest, type RawAnswer } from '../support/raw-http';
import type { TestServer } from '../support/server';
import { PUBLIC_URL, startEdgeServer, type EdgeServer } from './edge-server';
import { smtpDeliver } from '../support/smtp-client';
import { postSigned, smsForm } from '../support/twilio-webhook';

const MAX_PAGES = 3000;

let edge: EdgeServer;
let server: TestServer;
let fake: FakeTwilio;
let smtpPort: number;
let apiToken: string;
let emailToken: string;

beforeAll(async () => {
  edge = await startEdgeServer({ tickets: 0, env: { DB_MAX_PAGES: String(MAX_PAGES) } });
  ({ server, fake, smtpPort, apiToken, emailToken } = edge);
});
afterAll(async () => {
  await edge?.stop();
});

/** Grows the file past the quota with blobs (full pages, so nothing else fits in them); returns an undo. */
function fillDisk(): () => void {
  const db = new Database(server.databasePath);
  db.pragma('busy_timeout = 5000');
  db.exec('create table if not exists test_filler (b blob)');
  const insert = db.prepare('insert into test_filler (b) values (zeroblob(?))');
  const pages = (name: string) => db.pragma(name, { simple: true }) as number;
  // Past the quota, and no free page left over from an earlier fill.
  while (pages('page_count') < MAX_PAGES + 10 || pages('freelist_count') > 0) insert.run(pages('freelist_count') > 64 ? 256 * 1024 : 4000);
  return () => {
    // Freed pages go to the freelist (no auto-vacuum): space the server may use again.
    db.exec('delete from test_filler');
    db.close();
  };
}

const tickets = () => query<{ n: number }>(server.databasePath, 'select count(*) as n from tickets')[0]!.n;
const messages = () => query<{ n: number }>(server.databasePath, 'select count(*) as n from messages')[0]!.n;

interface Edge<T> {
  name: string;
  /** One new submission (its own ids), which `send` can post again as a retry. */
  make(i: number): T;
  send(s: T): Promise<{ ok: boolean; refused: boolean; what: string }>;
  /** Is this submission stored (exactly once)? */
  storedCount(s: T): number;
}

function complaintFields(i: number, lang: 'en' | 'zh') {
  return {
    lang,
    fields: validComplaint(newSubmissionId(), {
      email: `full-${i}-${randomBytes(3).toString('hex')}@example.com`,
      description: 'Sold as a deposit while the disk was full.',
    }),
  };
}

let lastWebAnswer: RawAnswer | undefined;
const web: Edge<ReturnType<typeof complaintFields>> = {
  name: 'web form',
  make: (i) => complaintFields(i, i % 2 === 0 ? 'en' : 'zh'),
  async send(s) {
    const form = multipartBody(Object.entries(s.fields).map(([name, v]) => ({ name, content: Buffer.from(v) })));
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/complaint',
      body: form.body,
      headers: { 'Content-Type': form.contentType, 'Accept-Language': s.lang === 'en' ? 'en-GB' : 'zh-CN' },
    });
    if (res.status === 503) lastWebAnswer = res;
    return { ok: res.status === 302, refused: res.status === 503, what: `${res.status}` };
  },
  storedCount: (s) => query(server.databasePath, "select c.id from customer_contacts c join tickets t on t.customer_id = c.customer_id where c.value = ?", s.fields.email).length,
};

const sms: Edge<{ sid: string; from: string }> = {
  name: 'Twilio webhook',
  make: (i) => ({ sid: sidOf('SM'), from: `+861390001${String(1000 + i)}` }),
  async send(s) {
    const res = await postSigned({
      baseUrl: server.url,
      publicUrl: PUBLIC_URL,
      authToken: fake.authToken,
      path: '/webhooks/twilio/sms',
      params: smsForm(fake.accountSid, { from: s.from, body: 'My card was charged twice while your disk was full.', sid: s.sid }),
    });
    return { ok: res.status === 200, refused: res.status >= 500, what: `${res.status} ${await res.text()}` };
  },
  storedCount: (s) => query(server.databasePath, 'select id from messages where provider_message_id = ?', s.sid).length,
};

const smtp: Edge<{ id: string }> = {
  name: 'SMTP',
  make: (i) => ({ id: `<full-${i}-${randomBytes(4).toString('hex')}@example.com>` }),
  async send(s) {
    const reply = await smtpDeliver(smtpPort, { from: 'li.wei@example.com', to: ['complaints@redress.test'], data: mailText({ id: s.id }) });
    return { ok: reply.code === 250, refused: reply.code === 451, what: reply.text };
  },
  storedCount: (s) => query(server.databasePath, 'select id from messages where provider_message_id = ?', s.id).length,
};

const emailWebhook: Edge<{ id: string }> = {
  name: 'email webhook',
  make: (i) => ({ id: `<full-hook-${i}-${randomBytes(4).toString('hex')}@example.com>` }),
  async send(s) {
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/webhooks/email',
      body: mailText({ id: s.id }),
      headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${emailToken}` },
    });
    return { ok: res.status === 200, refused: res.status === 503, what: `${res.status} ${res.text}` };
  },
  storedCount: smtp.storedCount,
};

const api: Edge<{ key: string; email: string }> = {
  name: 'API',
  make: (i) => ({ key: randomBytes(8).toString('hex'), email: `api-full-${i}-${randomBytes(3).toString('hex')}@example.com` }),
  async send(s) {
    const body = { channel: 'phone', name: 'Li Wei', email: s.email, product: 'wealth', cause: 'mis_selling', description: 'Called in while the disk was full.' };
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/v1/tickets',
      body: Buffer.from(JSON.stringify(body)),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiToken}`, 'Idempotency-Key': s.key },
    });
    return { ok: res.status === 201 || res.status === 200, refused: res.status === 503, what: `${res.status} ${res.text.slice(0, 200)}` };
  },
  storedCount: (s) => query(server.databasePath, 'select id from customer_contacts where value = ?', s.email).length,
};

const edges = [web, sms, smtp, emailWebhook, api] as Edge<unknown>[];

it('refuses on every edge while the database is full, acknowledges only what it stored, and takes the retries once space returns', async () => {
  const restore = fillDisk();
  const refused = new Map<Edge<unknown>, unknown[]>();
  const acknowledged: [Edge<unknown>, unknown][] = [];
  for (const edge of edges) {
    // Writes that still fit in a partly used page succeed; each takes space, so a refusal comes.
    for (let i = 0; i < 40 && !refused.has(edge); i++) {
      const s = edge.make(i);
      const [t, m] = [tickets(), messages()];
      const r = await edge.send(s);
      expect(r.ok || r.refused, `${edge.name}: ${r.what}`).toBe(true);
      if (r.ok) acknowledged.push([edge, s]);
      else {
        refused.set(edge, [s]);
        expect(edge.storedCount(s), `${edge.name}: refused, so not stored`).toBe(0);
        expect([tickets(), messages()]).toEqual([t, m]);
      }
    }
    expect(refused.has(edge), `${edge.name} refused while the database was full`).toBe(true);
  }
  for (const [edge, s] of acknowledged) expect(edge.storedCount(s), `${edge.name}: acknowledged, so stored`).toBe(1);

  // The web form's "please try again" page, in the client's language.
  expect(lastWebAnswer!.status).toBe(503);
  expect(lastWebAnswer!.text).toMatch(/We could not save this just now|暂时无法保存/);
  const zhPage = await rawRequest(server.port, { path: '/complaint', headers: { 'Accept-Language': 'zh-CN' } });
  expect(zhPage.status).toBe(200); // reading still works while writing does not

  // Space returns: the same submissions, retried, are stored exactly once; new ones work too.
  restore();
  for (const edge of edges) {
    for (const s of refused.get(edge)!) {
      const r = await edge.send(s);
      expect(r.ok, `${edge.name} after space returned: ${r.what}`).toBe(true);
      expect(edge.storedCount(s)).toBe(1);
      // A second retry (the client did not hear the answer) changes nothing.
      expect((await edge.send(s)).ok).toBe(true);
      expect(edge.storedCount(s)).toBe(1);
    }
  }
  expect((await rawRequest(server.port, { path: '/healthz' })).status).toBe(200);
  expect(server.child.exitCode).toBeNull();
});

it('shows the "please try again" page in English and in Chinese', async () => {
  const restore = fillDisk();
  try {
    for (const [lang, title] of [
      ['en', 'We could not save this just now'],
      ['zh', '暂时无法保存'],
    ] as const) {
      lastWebAnswer = undefined;
      for (let i = 0; i < 40 && !lastWebAnswer; i++) await web.send({ ...complaintFields(100 + i, lang) });
      expect(lastWebAnswer!.status).toBe(503);
      expect(lastWebAnswer!.text).toContain(title);
    }
  } finally {
    restore();
  }
});
