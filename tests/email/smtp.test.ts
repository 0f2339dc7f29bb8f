// The SMTP listener of the running server: real SMTP sessions (nodemailer as the client and
// one raw dialogue over a socket), the allow-list, the size limit, 250 only after commit,
// 451 with quarantine when storing fails, and the acknowledgement that goes out.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dovecot';
import { emailFixture, eventually, exec, mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

const LIMIT = 200_000;
let server: TestServer;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  server = await startServer({
    SMTP_PORT: String(smtpPort),
    MAX_EMAIL_BYTES: String(LIMIT),
    INBOUND_EMAIL_DOMAINS: 'redress.test,reply.redress.test',
    REPLY_TO_DOMAIN: 'reply.redress.test',
    PUBLIC_URL: 'https://complaints.redress.test',
  }, undefined, { timeoutMs: 120_000 });
});
afterAll(async () => {
  await server?.stop();
});

function send(raw: Buffer, envelope = { from: 'sender@example.com', to: ['complaints@redress.test'] }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return transport.sendMail({ envelope, raw }).finally(() => transport.close());
}

const inboundCount = () => query<{ n: number }>(server.databasePath, 'select count(*) n from inbound_emails')[0]!.n;

async function ackFile(recipient: string): Promise<Buffer> {
  return eventually(() => {
    let files: string[] = [];
    try {
      files = readdirSync(server.outboxDir);
    } catch {
      return undefined; // not written yet
    }
    for (const f of files) {
      const raw = readFileSync(join(server.outboxDir, f));
      if (raw.toString().includes(`To: ${recipient}`)) return raw;
    }
    return undefined;
  }, `an .eml to ${recipient}`);
}

describe('delivering complaints by SMTP', () => {
  it('a GBK complaint becomes a ticket; 250 names its reference; the ack is threaded, bilingual-ready and auto-submitted', async () => {
    const info = await send(emailFixture('gbk.eml'), { from: 'wang.zhe@example.cn', to: ['complaints@redress.test'] });
    expect(info.response).toMatch(/^250 .*Queued as CMP-\d{4}-\d{6}/);
    const [ticket] = query<{ reference: string; subject: string; channel: string; language: string }>(
      server.databasePath,
      'select reference, subject, channel, language from tickets',
    );
    expect(ticket).toMatchObject({ subject: '理财产品被当作存款销售', channel: 'email', language: 'zh' });

    const ack = await simpleParser(await ackFile('wang.zhe@example.cn'));
    expect(ack.subject).toBe(`[${ticket!.reference}] 我们已收到您的投诉`);
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.messageId).toMatch(/@complaints\.redress\.test>$/);
    expect(ack.replyTo?.value[0]?.address).toMatch(/^reply\+[0-9a-f]{32}@reply\.redress\.test$/);
    expect(ack.html).toContain(ticket!.reference);
    expect(ack.text).toContain('/track/');

    // The client answers the acknowledgement: it joins the ticket, quote trimmed.
    const reply = emailFixture('reply-foxmail.eml', { __ACK_ID__: ack.messageId! });
    const answer = await send(reply, { from: 'wang.zhe@example.cn', to: [ack.replyTo!.value[0]!.address!] });
    expect(answer.response).toContain(ticket!.reference);
    const texts = query<{ text: string }>(server.databasePath, "select text from messages where direction = 'in' order by id");
    expect(texts.map((t) => t.text)).toEqual([expect.stringContaining('存款'), '补充一下：购买日期是2026年1月5日。']);
  });

  it('an address outside INBOUND_EMAIL_DOMAINS gets 550 and nothing is stored', async () => {
    const before = inboundCount();
    const error = await send(mailText({ id: '<nobody@x>' }), { from: 'a@example.com', to: ['someone@elsewhere.example'] }).catch((e: { responseCode?: number }) => e);
    expect((error as { responseCode?: number }).responseCode).toBe(550);
    expect(inboundCount()).toBe(before);
  });

  it('one byte over MAX_EMAIL_BYTES gets 552 and nothing is stored; exactly the limit is accepted', async () => {
    const over = emailFixture('over-limit.eml');
    expect(over.byteLength).toBe(LIMIT + 1);
    const before = inboundCount();
    const error = await send(over).catch((e: { responseCode?: number }) => e);
    expect((error as { responseCode?: number }).responseCode).toBe(552);
    expect(inboundCount()).toBe(before);
    // Drop one byte of the body (a 'y' before the final CRLF).
    const exact = Buffer.concat([over.subarray(0, over.byteLength - 3), over.subarray(over.byteLength - 2)]);
    expect(exact.byteLength).toBe(LIMIT);
    expect((await send(exact)).response).toMatch(/^250/);
    expect(inboundCount()).toBe(before + 1);
  });

  it('the same message delivered twice (an SMTP retry) is one message', async () => {
    const raw = mailText({ id: '<retry-1@example.com>', from: 'retry@example.com', subject: 'Retried' });
    await send(raw);
    await send(raw);
    expect(query(server.databasePath, "select id from messages where provider_message_id = '<retry-1@example.com>'")).toHaveLength(1);
  });

  it('a raw SMTP dialogue: no AUTH or STARTTLS offered, null sender accepted, never acknowledged', async () => {
    const lines = await dialogue([
      'EHLO client.example',
      'MAIL FROM:<>',
      'RCPT TO:<complaints@redress.test>',
      'DATA',
      [
        'From: Form Mailer <forms@example.org>',
        'To: complaints@redress.test',
        'Subject: Web form copy',
        'Message-ID: <raw-dialogue-1@example.org>',
        '',
        'A copy of a complaint sent through a form mailer.',
        '..a line that starts with a dot',
        '.',
      ].join('\r\n'),
      'QUIT',
    ]);
    expect(lines[0]).toMatch(/^220 /);
    const ehlo = lines[1]!;
    expect(ehlo).toMatch(/^250/);
    expect(ehlo).not.toMatch(/STARTTLS|AUTH/);
    expect(ehlo).toContain(`SIZE ${LIMIT}`);
    expect(lines.slice(2, 5).map((l) => l.slice(0, 3))).toEqual(['250', '250', '354']);
    expect(lines[5]).toMatch(/^250 /);
    expect(lines[6]).toMatch(/^221 /);
    const [m] = query<{ text: string; ticket_id: number }>(
      server.databasePath,
      "select text, ticket_id from messages where provider_message_id = '<raw-dialogue-1@example.org>'",
    );
    expect(m!.text).toContain('\n.a line that starts with a dot');
    expect(query(server.databasePath, "select id from outbox where purpose = 'ack' and recipient = 'forms@example.org'")).toHaveLength(0);
  });

  it('when storing fails the sender gets 451, the mail is quarantined, counted on /healthz and replayable', async () => {
    exec(server.databasePath, `create trigger fail_raw before insert on inbound_emails begin select raise(abort, 'database or disk is full'); end`);
    const raw = emailFixture('big5.eml');
    const error = await send(raw).catch((e: { responseCode?: number }) => e);
    expect((error as { responseCode?: number }).responseCode).toBe(451);
    const health = (await (await fetch(`${server.url}/healthz?details=1`)).json()) as { details: { emailQuarantined: number } };
    expect(health.details.emailQuarantined).toBe(1);
    const [q] = query<{ id: number; file: string }>(server.databasePath, 'select id, file from email_quarantine');
    expect(readFileSync(join(server.dir, 'quarantine', q!.file)).equals(raw)).toBe(true);

    exec(server.databasePath, 'drop trigger fail_raw');
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'email:replay', '--all'], {
      env: { ...process.env, DATABASE_URL: server.env.DATABASE_URL, PUBLIC_URL: 'https://complaints.redress.test' },
    }).toString();
    expect(out).toMatch(new RegExp(`^${q!.id}: message CMP-\\d{4}-\\d{6}`));
    const after = (await (await fetch(`${server.url}/healthz?details=1`)).json()) as { details: { emailQuarantined: number } };
    expect(after.details.emailQuarantined).toBe(0);
    const [ticket] = query<{ id: number }>(server.databasePath, "select id from tickets where subject = '信用卡年費被重複扣款'");
    expect(ticket).toBeDefined();
    // Replayed through the server's hooks: the complaint has its deadlines like any other.
    expect(query(server.databasePath, `select target from sla_timers where ticket_id = ${ticket!.id}`).length).toBeGreaterThan(0);
  });

  it('email:replay refuses bad input with one line', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'email:replay', 'abc'], {
        env: { ...process.env, DATABASE_URL: server.env.DATABASE_URL },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
      expect((e as { status: number }).status).toBe(2);
    }
    expect(stderr.trim()).toBe('redress email:replay: "abc" is not a quarantine id');
  });
});

/** Sends each command and collects the server's full reply to it (multi-line replies joined). */
function dialogue(commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port: smtpPort, host: '127.0.0.1' });
    const replies: string[] = [];
    let buffer = '';
    let current: string[] = [];
    const queue = [...commands];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        current.push(line);
        if (/^\d{3} /.test(line)) {
          replies.push(current.join('\n'));
          current = [];
          const next = queue.shift();
          if (next === undefined) socket.end();
          else socket.write(`${next}\r\n`);
        }
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(replies));
  });
}
