// Slow-loris on the web port and on SMTP: many connections that trickle bytes (headers that never
// end, a body that never finishes, an SMTP line that never ends, a session that says nothing).
// While they hang on, another client still gets its page, its complaint stored and its mail
// delivered; and every slow connection is closed by the server, by a cap or a timeout.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/dovecot';
import { eventually, mailText, query } from '../support/email';
import { multipartBody, rawRequest } from '../support/raw-http';
import { startServer, type TestServer } from '../support/server';
import { smtpDeliver } from '../support/smtp-client';

const PER_IP = 10;
const SLOW = 30;

let server: TestServer;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  server = await startServer(
    {
      SMTP_PORT: String(smtpPort),
      HTTP_HEADERS_TIMEOUT_MS: '5000',
      HTTP_REQUEST_TIMEOUT_MS: '6000',
      HTTP_MAX_CONNECTIONS_PER_IP: String(PER_IP),
      SMTP_SOCKET_TIMEOUT_MS: '3000',
      SMTP_SESSION_MAX_MS: '6000',
      SMTP_MAX_CLIENTS_PER_IP: String(PER_IP),
    },
    undefined,
    { startTimeoutMs: 150_000 },
  );
});
afterAll(async () => {
  await server?.stop();
});

interface Slow {
  socket: Socket;
  closed: boolean;
  /** What the server said before closing (a 408, a 421, or nothing). */
  heard: string;
  stop(): void;
}

/** A client that sends `first`, then `drip` every 200 ms, for as long as the server lets it. */
function slowClient(port: number, first: string, drip: string | undefined): Slow {
  const socket = connect(port, '127.0.0.1');
  const slow: Slow = { socket, closed: false, heard: '', stop: () => clearInterval(timer) };
  socket.on('connect', () => socket.write(first));
  socket.on('data', (c: Buffer) => (slow.heard += c.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => {
    slow.closed = true;
    clearInterval(timer);
  });
  const timer = setInterval(() => {
    if (drip && socket.writable) socket.write(drip);
  }, 200);
  return slow;
}

it('slow HTTP clients do not keep others out, and are all closed', async () => {
  const slow: Slow[] = [];
  for (let i = 0; i < SLOW; i++) {
    const kind = i % 3;
    if (kind === 0) slow.push(slowClient(server.port, 'GET / HTTP/1.1\r\nHost: x\r\n', `X-${i}: y\r\n`));
    else if (kind === 1) {
      slow.push(
        slowClient(server.port, 'POST /complaint HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n', 'a'),
      );
    } else slow.push(slowClient(server.port, '', undefined));
  }
  // Past the per-address cap the extra connections are closed at once.
  await eventually(() => slow.filter((s) => s.closed).length >= SLOW - PER_IP, 'the connections over the per-address cap to close');

  // Another client meanwhile: a page, and a complaint stored.
  const other = '127.0.0.2';
  expect((await rawRequest(server.port, { path: '/healthz', localAddress: other })).status).toBe(200);
  const html = (await rawRequest(server.port, { path: '/complaint', localAddress: other })).text;
  const submissionId = /name="submissionId" value="([^"]+)"/.exec(html)![1]!;
  const fields = {
    submissionId,
    name: 'Li Wei',
    email: `slow-${randomBytes(4).toString('hex')}@example.com`,
    product: 'wealth',
    cause: 'mis_selling',
    occurredOn: '2026-03-01',
    description: 'Sold as a deposit while the server was under a slow-loris.',
    outcome: 'Refund the fees.',
    consent: 'on',
  };
  const form = multipartBody(Object.entries(fields).map(([name, v]) => ({ name, content: Buffer.from(v) })));
  const posted = await rawRequest(server.port, {
    method: 'POST',
    path: '/complaint',
    body: form.body,
    headers: { 'Content-Type': form.contentType },
    localAddress: other,
  });
  expect(posted.status, posted.text.slice(0, 300)).toBe(302);
  expect(slow.some((s) => !s.closed), 'some slow connections were still open while the others were served').toBe(true);

  // Every slow one is closed by the server (header or request timeout), none is left hanging.
  await eventually(() => slow.every((s) => s.closed), 'every slow HTTP connection to be closed', 400);
  expect(slow.filter((s) => s.heard.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(0);
  expect(query(server.databasePath, 'select id from customer_contacts where value = ?', fields.email)).toHaveLength(1);
});

it('slow SMTP clients do not keep others out, and are all closed', async () => {
  const slow: Slow[] = [];
  for (let i = 0; i < SLOW; i++) {
    // An EHLO line that never ends, or a session that never says anything.
    slow.push(i % 2 === 0 ? slowClient(smtpPort, 'EHLO ', 'x') : slowClient(smtpPort, '', undefined));
  }
  await eventually(() => slow.filter((s) => s.closed).length >= SLOW - PER_IP, 'the SMTP sessions over the per-address cap to close');

  const subject = `Slow-loris ${randomBytes(4).toString('hex')}`;
  const reply = await smtpDeliver(smtpPort, { from: 'li.wei@example.com', to: ['complaints@redress.test'], data: mailText({ subject }), localAddress: '127.0.0.2' });
  expect(reply.code).toBe(250);
  expect(slow.some((s) => !s.closed), 'some slow sessions were still open while the mail was delivered').toBe(true);

  await eventually(() => slow.every((s) => s.closed), 'every slow SMTP session to be closed', 400);
  // The trickling ones were told why (the silent ones time out with smtp-server's own 421).
  expect(slow.filter((s) => s.heard.includes('421')).length).toBeGreaterThan(0);
  expect(query(server.databasePath, 'select id from tickets where subject = ?', subject)).toHaveLength(1);
});
