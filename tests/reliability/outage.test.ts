// Outages of the outbound providers: the Twilio API answering 503 and then refusing
// connections, the mail server answering 451 and then refusing connections. Acknowledgements
// queued meanwhile back off and retry (none is dropped or failed), staff see them as delayed
// (on the ticket and as a count on the queue, in English and Chinese), and once the providers
// are back every one of them is delivered, once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, query } from '../support/email';
import { startMailSink, type MailSink } from '../support/mail-sink';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { multipartBody, rawRequest } from '../support/raw-http';
import { startServer, type TestServer } from '../support/server';
import { addStaff, openServerDb, PASSWORD } from '../staff/support';

let server: TestServer;
let fake: FakeTwilio;
let sink: MailSink;

beforeAll(async () => {
  fake = await startFakeTwilio();
  sink = await startMailSink();
  server = await startServer(
    {
      PUBLIC_URL: 'https://complaints.example.com',
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: '+447700900000',
      TWILIO_API_URL: fake.url,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      // Short first retry so the test sees several attempts; it doubles as in production.
      OUTBOX_BACKOFF_MS: '200',
    },
    undefined,
    { startTimeoutMs: 150_000 },
  );
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
  await sink?.close();
});

interface Row {
  id: number;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
}
const ackRows = () => query<Row>(server.databasePath, "select id, channel, recipient, status, attempts, last_error from outbox where purpose = 'ack' order by id");

async function complain(i: number): Promise<{ email: string; phone: string; token: string }> {
  const html = (await rawRequest(server.port, { path: '/complaint' })).text;
  const submissionId = /name="submissionId" value="([^"]+)"/.exec(html)![1]!;
  const email = `outage-${i}-${randomBytes(3).toString('hex')}@example.com`;
  const phone = `+861390000${String(1000 + i)}`;
  const fields = {
    submissionId,
    name: 'Li Wei',
    email,
    phone,
    product: 'wealth',
    cause: 'mis_selling',
    occurredOn: '2026-03-01',
    description: 'Sold as a deposit while the providers were down.',
    outcome: 'Refund the fees.',
    consent: 'on',
  };
  const form = multipartBody(Object.entries(fields).map(([name, v]) => ({ name, content: Buffer.from(v) })));
  const res = await rawRequest(server.port, { method: 'POST', path: '/complaint', body: form.body, headers: { 'Content-Type': form.contentType } });
  expect(res.status).toBe(302);
  return { email, phone, token: /\/track\/([\w-]+)\/sent/.exec(res.headers.location!)![1]! };
}

/** Signs in through the real login form (its CSRF cookie and field) and returns the session cookie. */
async function signIn(email: string): Promise<string> {
  const login = await rawRequest(server.port, { path: '/staff/login' });
  const csrfCookie = /redress_login_csrf=[^;]+/.exec(login.headers['set-cookie'] ?? '')![0];
  const csrf = /name="csrf" value="([^"]+)"/.exec(login.text)![1]!;
  const body = Buffer.from(new URLSearchParams({ email, password: PASSWORD, csrf, redirectTo: '/staff' }).toString());
  const res = await rawRequest(server.port, {
    method: 'POST',
    path: '/staff/login',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie },
  });
  expect(res.status).toBe(302);
  const session = res.headers['set-cookie']!.split('\n').find((c) => !c.startsWith('redress_login_csrf='))!;
  return /^[^;]+/.exec(session)![0];
}

const staffPage = async (cookie: string, path: string) => (await rawRequest(server.port, { path, headers: { Cookie: cookie } })).text;

it('queues through a Twilio and mail outage, shows the delay to staff, and delivers everything once they are back', async () => {
  const db = openServerDb(server.databasePath);
  await addStaff(db, { email: 'sup-en@example.com', name: 'Supervisor', role: 'supervisor', language: 'en' });
  await addStaff(db, { email: 'sup-zh@example.com', name: '主管', role: 'supervisor', language: 'zh' });
  db.$client.close();

  // Down: Twilio answers 503, the mail server 451.
  await fake.outage('unavailable');
  await sink.set('tempfail');
  const clients = [await complain(1), await complain(2), await complain(3)];
  await eventually(() => {
    const rows = ackRows();
    return rows.length === 6 && rows.every((r) => r.status !== 'sent' && r.attempts >= 2 && r.last_error !== null);
  }, 'every acknowledgement to have failed at least twice');
  expect(ackRows().filter((r) => r.status === 'failed')).toEqual([]);
  expect(ackRows().find((r) => r.channel === 'sms')!.last_error).toContain('503');
  expect(ackRows().find((r) => r.channel === 'email')!.last_error).toContain('451');

  // Staff see it: a count on the queue, and the state on the ticket, in both languages.
  const en = await signIn('sup-en@example.com');
  const zh = await signIn('sup-zh@example.com');
  expect(await staffPage(en, '/staff')).toMatch(/data-testid="delayed-deliveries"[^>]*>\d+ deliveries delayed, retrying/);
  expect(await staffPage(zh, '/staff')).toMatch(/\d+ 条通知发送延迟，正在重试/);
  const reference = query<{ reference: string }>(
    server.databasePath,
    "select t.reference from tickets t join outbox o on o.ticket_id = t.id where o.recipient = ? limit 1",
    clients[0]!.email,
  )[0]!.reference;
  const ticketEn = await staffPage(en, `/staff/tickets/${reference}`);
  expect(ticketEn).toMatch(/delayed, retrying \(\d+ attempts, next at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  expect(await staffPage(zh, `/staff/tickets/${reference}`)).toMatch(/延迟，正在重试（已尝试 \d+ 次，下次于 .* UTC）/);

  // Worse: both refuse connections now.
  const before = new Map(ackRows().map((r) => [r.id, r.attempts]));
  await fake.outage('refuse');
  await sink.set('refuse');
  await eventually(() => ackRows().every((r) => r.attempts > before.get(r.id)!), 'a retry of every row against the refusing providers');
  expect(ackRows().filter((r) => r.status === 'failed')).toEqual([]);
  expect(fake.sent).toHaveLength(0);
  expect(sink.received).toHaveLength(0);

  // Back: every acknowledgement goes out, once.
  await fake.outage(null);
  await sink.set('up');
  await eventually(() => ackRows().every((r) => r.status === 'sent'), 'every acknowledgement to be sent', 600);
  for (const c of clients) {
    expect(fake.sent.filter((m) => m.to === c.phone)).toHaveLength(1);
    expect(sink.received.filter((m) => m.to.includes(c.email))).toHaveLength(1);
  }
  expect(await staffPage(en, '/staff')).not.toContain('data-testid="delayed-deliveries"');
  expect(await staffPage(en, `/staff/tickets/${reference}`)).not.toContain('delayed, retrying');
});
