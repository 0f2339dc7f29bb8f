// POST /webhooks/email with raw MIME, as mail providers post it: the bearer token, the size
// limit, 200 only after commit, and the fixture folder's hard cases end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { freePort } from '../support/dovecot';
import { emailFixture, eventually, mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

const TOKEN = 'webhook-secret-0123456789';
const LIMIT = 200_000;
let server: TestServer;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  server = await startServer(
    { INBOUND_EMAIL_TOKEN: TOKEN, MAX_EMAIL_BYTES: String(LIMIT), SMTP_PORT: String(smtpPort) },
    undefined,
    { timeoutMs: 120_000 },
  );
});
afterAll(async () => {
  await server?.stop();
});

function post(body: Buffer, token: string | null = TOKEN) {
  return fetch(`${server.url}/webhooks/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'message/rfc822', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: new Uint8Array(body),
  });
}

describe('the raw-MIME webhook', () => {
  it('401 without the token or with a wrong one; nothing stored', async () => {
    expect((await post(mailText({ id: '<w0@x>' }), null)).status).toBe(401);
    expect((await post(mailText({ id: '<w0@x>' }), 'wrong-token-0123456789')).status).toBe(401);
    expect(query(server.databasePath, 'select id from inbound_emails')).toHaveLength(0);
  });

  it('413 one byte over the limit; 400 for an empty body', async () => {
    const res = await post(emailFixture('over-limit.eml'));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(`${LIMIT} bytes`);
    expect((await post(Buffer.alloc(0))).status).toBe(400);
    expect(query(server.databasePath, 'select id from inbound_emails')).toHaveLength(0);
  });

  it('200 after commit with the reference; the same message by SMTP and by webhook is one message', async () => {
    const raw = emailFixture('big5.eml');
    const res = await post(raw);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; outcome: string; reference: string };
    expect(body).toMatchObject({ ok: true, outcome: 'message', reference: expect.stringMatching(/^CMP-/) });
    expect(query(server.databasePath, 'select subject from tickets where reference = ?', body.reference)).toEqual([{ subject: '信用卡年費被重複扣款' }]);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: 'chan.taiman@example.tw', to: ['complaints@example.com'] }, raw });
    transport.close();
    expect(((await (await post(raw)).json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(query(server.databasePath, "select id from messages where provider_message_id = '<big5-1@client.example>'")).toHaveLength(1);
  });

  it('HTML-only mail is stored sanitized, with a text version and its inline image', async () => {
    const res = await post(emailFixture('html-only.eml'));
    const { reference } = (await res.json()) as { reference: string };
    const [m] = query<{ id: number; text: string; html: string }>(
      server.databasePath,
      'select m.id, m.text, m.html from messages m join tickets t on t.id = m.ticket_id where t.reference = ?',
      reference,
    );
    expect(m!.text).toContain('My fund was switched without my consent.');
    for (const bad of ['<script', 'onclick', 'javascript:', '<form', 'tracker.example']) expect(m!.html).not.toContain(bad);
    expect(query(server.databasePath, 'select filename, content_type, state from attachments where message_id = ?', m!.id)).toEqual([
      { filename: 'chart.png', content_type: 'image/png', state: 'stored' },
    ]);
  });

  it('broken base64, an unterminated boundary, deep nesting, hostile file names and no Message-ID all become tickets', async () => {
    for (const name of ['broken-base64.eml', 'unterminated-boundary.eml', 'deeply-nested.eml', 'evil-attachment-name.eml', 'no-message-id.eml']) {
      const res = await post(emailFixture(name));
      expect(res.status, name).toBe(200);
      expect(((await res.json()) as { outcome: string }).outcome, name).toBe('message');
    }
    const names = query<{ filename: string }>(server.databasePath, 'select filename from attachments order by id').map((a) => a.filename);
    expect(names).toContain('statementgnp.exe');
    expect(names).toContain('contract.pdf');
    expect(names.some((n) => n.includes('/') || n.includes('\u202e'))).toBe(false);
    // No Message-ID: the hash stands in, so posting it again is a no-op.
    expect(((await (await post(emailFixture('no-message-id.eml'))).json()) as { duplicate: boolean }).duplicate).toBe(true);
  });

  it('a DSN bounce of the acknowledgement is matched to it and marks the address undeliverable', async () => {
    const res = await post(mailText({ id: '<to-bounce@x>', from: 'gone@example.net', subject: 'Please call me' }));
    const { reference } = (await res.json()) as { reference: string };
    const ackId = await eventually(
      () =>
        query<{ provider_id: string; status: string }>(
          server.databasePath,
          "select o.provider_id, o.status from outbox o join tickets t on t.id = o.ticket_id where t.reference = ? and o.purpose = 'ack'",
          reference,
        ).find((r) => r.status === 'sent')?.provider_id,
      'the ack to be sent',
    );
    const ticketsBefore = query<{ n: number }>(server.databasePath, 'select count(*) n from tickets')[0]!.n;
    const bounce = await post(emailFixture('dsn-bounce.eml', { __ACK_ID__: ackId, __RECIPIENT__: 'gone@example.net' }));
    expect(await bounce.json()).toMatchObject({ ok: true, outcome: 'bounce' });
    expect(query(server.databasePath, "select undeliverable_at is not null u from customer_contacts where value = 'gone@example.net'")).toEqual([{ u: 1 }]);
    expect(query<{ n: number }>(server.databasePath, 'select count(*) n from tickets')[0]!.n).toBe(ticketsBefore);
    const events = query<{ type: string; data: string }>(
      server.databasePath,
      "select e.type, e.data from events e join tickets t on t.id = e.ticket_id where t.reference = ? and e.type = 'email.bounced'",
      reference,
    );
    expect(JSON.parse(events[0]!.data)).toMatchObject({ hard: true, status: '5.1.1' });
  });

  it("our own mail posted back is not ingested; an auto-reply to nothing opens no ticket", async () => {
    const before = query<{ n: number }>(server.databasePath, 'select count(*) n from tickets')[0]!.n;
    expect(await (await post(emailFixture('own-mail.eml'))).json()).toMatchObject({ outcome: 'own' });
    expect(await (await post(emailFixture('out-of-office-subject.eml'))).json()).toMatchObject({ outcome: 'automated-unmatched' });
    expect(query<{ n: number }>(server.databasePath, 'select count(*) n from tickets')[0]!.n).toBe(before);
  });
});
