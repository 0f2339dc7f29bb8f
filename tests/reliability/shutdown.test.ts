// SIGTERM against the real built server: new work is refused (HTTP connections refused, SMTP 421),
// work already accepted finishes (a webhook body half sent, a message half way through DATA),
// both are stored, and the process exits 0 by itself.
import { request, type ClientRequest } from 'node:http';
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dovecot';
import { eventually, mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

const TOKEN = 'shutdown-secret-0123456789';
let server: TestServer;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  server = await startServer({ SMTP_PORT: String(smtpPort), INBOUND_EMAIL_TOKEN: TOKEN }, undefined, { timeoutMs: 120_000 });
});
afterAll(async () => {
  await server?.stop('SIGKILL');
});

/** A raw SMTP dialogue: each reply (all lines of a multi-line answer) is read in order. */
async function smtpSession(port: number): Promise<{ socket: Socket; reply(): Promise<string>; send(line: string): void; closed: Promise<void> }> {
  const socket = createConnection({ host: '127.0.0.1', port });
  const replies: string[] = [];
  const waiting: ((r: string) => void)[] = [];
  let buffer = '';
  let current = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      current += `${line}\n`;
      if (/^\d{3} /.test(line)) {
        const r = current.trim();
        current = '';
        const w = waiting.shift();
        if (w) w(r);
        else replies.push(r);
      }
    }
  });
  const closed = new Promise<void>((ok) => socket.once('close', () => ok()));
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail));
  return {
    socket,
    closed,
    reply: () => (replies.length > 0 ? Promise.resolve(replies.shift()!) : new Promise((ok) => waiting.push(ok))),
    send: (line) => socket.write(`${line}\r\n`),
  };
}

describe('graceful shutdown on SIGTERM', () => {
  it('finishes the webhook request and the SMTP message in flight, refuses new ones, stores both, exits 0', async () => {
    // 1. A webhook post whose body is half sent.
    const raw = mailText({ from: 'Li Wei <li.wei@example.com>', id: '<in-flight-webhook@example.com>' });
    let req!: ClientRequest;
    const webhook = new Promise<{ status: number; body: string }>((ok, fail) => {
      req = request(
        `${server.url}/webhooks/email`,
        { method: 'POST', agent: false, headers: { 'Content-Type': 'message/rfc822', 'Content-Length': raw.byteLength, Authorization: `Bearer ${TOKEN}` } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => ok({ status: res.statusCode!, body }));
        },
      );
      req.on('error', fail);
    });
    req.write(raw.subarray(0, 40));
    await new Promise<void>((ok) => req.once('socket', (s) => (s.connecting ? s.once('connect', () => ok()) : ok())));

    // 2. An SMTP message half way through DATA (its round trips also give the server time to read the request's headers).
    const smtp = await smtpSession(smtpPort);
    expect(await smtp.reply()).toMatch(/^220/);
    smtp.send('EHLO drill.test');
    expect(await smtp.reply()).toMatch(/^250/);
    smtp.send('MAIL FROM:<wang.fang@example.com>');
    expect(await smtp.reply()).toMatch(/^250/);
    smtp.send('RCPT TO:<complaints@redress.test>');
    expect(await smtp.reply()).toMatch(/^250/);
    smtp.send('DATA');
    expect(await smtp.reply()).toMatch(/^354/);
    const mail = mailText({ from: 'Wang Fang <wang.fang@example.com>', id: '<in-flight-smtp@example.com>', subject: 'Card fee charged twice' })
      .toString()
      .replace(/\r\n$/, '');
    const [mailHead, mailTail] = [mail.slice(0, 60), mail.slice(60)];
    smtp.socket.write(mailHead);

    const exited = new Promise<number | null>((ok) => server.child.once('exit', (code) => ok(code)));
    server.child.kill('SIGTERM');
    await eventually(() => server.logs.some((l) => l.includes('"msg":"stopping"')), 'the server to start stopping');

    // 3. New work is refused: no new HTTP connection, and a new SMTP session is told 421.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    const late = await smtpSession(smtpPort);
    expect(await late.reply()).toMatch(/^421 /);
    await late.closed;

    // 4. The work in flight finishes and is acknowledged.
    req.end(raw.subarray(40));
    const answer = await webhook;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, duplicate: false });
    smtp.socket.write(`${mailTail}\r\n.\r\n`);
    expect(await smtp.reply()).toMatch(/^250 /);
    // …and the session's next command is told the server is going away.
    smtp.send('MAIL FROM:<wang.fang@example.com>');
    expect(await smtp.reply()).toMatch(/^421 /);

    expect(await exited).toBe(0);
    expect(server.logs.join('\n')).toContain('"msg":"stopped"');
    expect(server.logs.join('\n')).not.toContain('did not stop within');
    const stored = query<{ provider_message_id: string }>(
      server.databasePath,
      "select provider_message_id from messages where provider_message_id like '<in-flight-%' order by 1",
    );
    expect(stored.map((m) => m.provider_message_id)).toEqual(['<in-flight-smtp@example.com>', '<in-flight-webhook@example.com>']);
    expect(query<{ integrity_check: string }>(server.databasePath, 'pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});
