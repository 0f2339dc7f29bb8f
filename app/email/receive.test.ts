// receiveEmail on a real (in-memory or file) database: threading in the order,
// acknowledgements and their limits, automatic mail, bounces, own mail, duplicates, raw
// storage and the quarantine.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testContext } from '../../tests/support/ticket-context';
import { customerContacts, emailQuarantine, events, inboundEmails, messages, outbox, tickets } from '../../db/schema';
import { countOpenQuarantine, rawEmailOfMessage } from '../../db/store/email';
import { replyToClient } from '../tickets/reply.server';
import { decompressRaw, receiveEmail, replayQuarantined, type EmailReceiver } from './receive.server';

const T0 = new Date('2026-03-02T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function fixture(name: string, replace: Record<string, string> = {}): Buffer {
  let raw = readFileSync(new URL(`../../tests/fixtures/email/${name}`, import.meta.url)).toString('latin1');
  for (const [k, v] of Object.entries(replace)) raw = raw.split(k).join(v);
  return Buffer.from(raw, 'latin1');
}

function mail(opts: { from?: string; subject?: string; body?: string; id?: string; headers?: string; to?: string }): Buffer {
  return Buffer.from(
    [
      `From: ${opts.from ?? 'Li Wei <li.wei@example.com>'}`,
      `To: ${opts.to ?? 'complaints@redress.test'}`,
      `Subject: ${opts.subject ?? 'Wealth product sold as a deposit'}`,
      ...(opts.id ? [`Message-ID: ${opts.id}`] : []),
      ...(opts.headers ? [opts.headers] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      opts.body ?? 'The bank sold me a wealth product as if it were a deposit.',
      '',
    ].join('\r\n'),
  );
}

function setup() {
  const ctx = testContext();
  const r: EmailReceiver = {
    tickets: ctx,
    quarantineDir: join(ctx.dir, 'quarantine'),
    parse: { ownHosts: ['complaints.example.com'], replyToDomain: 'reply.example.com' },
  };
  const receive = (raw: Buffer, now = T0, envelope?: { mailFrom: string; rcptTo: string[] }) =>
    receiveEmail(r, { raw, source: 'smtp', now, envelope });
  const acks = () => ctx.db.select().from(outbox).where(eq(outbox.purpose, 'ack')).all();
  return { ctx, r, receive, acks, db: ctx.db };
}

describe('a new email', () => {
  it('opens a ticket, keeps its raw bytes compressed and acknowledges with a Message-ID and reply token', async () => {
    const { receive, acks, db } = setup();
    const raw = fixture('gbk.eml');
    const res = await receive(raw);
    expect(res).toMatchObject({ status: 'stored', outcome: 'message', created: true, duplicate: false });
    const [msg] = db.select().from(messages).all();
    const stored = rawEmailOfMessage(db, msg!.id)!;
    expect(stored.rawSize).toBe(raw.byteLength);
    expect(decompressRaw(stored.raw, stored.rawEncoding).equals(raw)).toBe(true);
    const [ack] = acks();
    const headers = JSON.parse(ack!.headers!) as Record<string, string>;
    expect(ack!.recipient).toBe('wang.zhe@example.cn');
    expect(ack!.subject).toContain('我们已收到您的投诉');
    expect(headers['Auto-Submitted']).toBe('auto-replied');
    expect(headers['Message-ID']).toMatch(/^<cmp-2026-\d+\.[\w-]+@complaints\.example\.com>$/);
    expect(ack!.providerId).toBe(headers['Message-ID']);
    expect(headers['X-Redress-Reply-Token']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the same Message-ID twice, or the same bytes without one, is one message', async () => {
    const { receive, db } = setup();
    await receive(fixture('gbk.eml'));
    expect(await receive(fixture('gbk.eml'))).toMatchObject({ status: 'stored', duplicate: true });
    await receive(fixture('no-message-id.eml'));
    expect(await receive(fixture('no-message-id.eml'))).toMatchObject({ duplicate: true });
    expect(db.select().from(messages).all()).toHaveLength(2);
    expect(db.select().from(inboundEmails).all()).toHaveLength(2);
  });

  it('acknowledges Reply-To, never an empty return path, at most once per sender per 10 minutes', async () => {
    const { receive, acks } = setup();
    await receive(mail({ id: '<a1@x>', headers: 'Reply-To: assistant@example.com' }));
    expect(acks().map((a) => a.recipient)).toEqual(['assistant@example.com']);
    await receive(mail({ id: '<a2@x>', from: 'Zhang <zhang@example.com>' }), at(1), { mailFrom: '', rcptTo: [] });
    expect(acks()).toHaveLength(1);
    await receive(mail({ id: '<a3@x>', from: 'Li <li@example.com>', subject: 'First' }), at(2));
    await receive(mail({ id: '<a4@x>', from: 'Li <li@example.com>', subject: 'Second' }), at(5));
    expect(acks().filter((a) => a.recipient === 'li@example.com')).toHaveLength(1);
    await receive(mail({ id: '<a5@x>', from: 'Li <li@example.com>', subject: 'Third' }), at(13));
    expect(acks().filter((a) => a.recipient === 'li@example.com')).toHaveLength(2);
  });
});

describe('threading, in order', () => {
  it('a reply to the acknowledgement joins its ticket by In-Reply-To, with the quote trimmed', async () => {
    const { receive, acks, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const ackId = (JSON.parse(acks()[0]!.headers!) as Record<string, string>)['Message-ID']!;
    const reply = await receive(fixture('reply-gmail.eml', { __ACK_ID__: ackId }), at(30));
    expect(reply).toMatchObject({ outcome: 'message', created: false, ticketId: first.status === 'stored' ? first.ticketId : -1 });
    const last = db.select().from(messages).all().at(-1)!;
    expect(last.text).toBe('Here is my contract number: HT-88231. Please call me after 6pm.');
    expect(JSON.parse(last.meta!).fullText).toContain('wrote:');
  });

  it('a reply to a staff reply joins by References; a reply+token address joins too', async () => {
    const { receive, ctx, acks, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const ticketId = first.status === 'stored' ? first.ticketId! : -1;
    const { messageId } = replyToClient(ctx, { ticketId, text: 'We are looking into it.', author: { type: 'staff' }, now: at(10) });
    const staffMsgId = db.select().from(messages).where(eq(messages.id, messageId)).get()!.providerMessageId!;
    const r1 = await receive(mail({ id: '<r1@x>', subject: 'Re: looking', headers: `References: <other@x> ${staffMsgId}` }), at(20));
    expect(r1).toMatchObject({ ticketId, created: false });
    const token = (JSON.parse(acks()[0]!.headers!) as Record<string, string>)['X-Redress-Reply-Token']!;
    // From a new address, no references, no reference in the subject: only the reply address ties it.
    const r2 = await receive(mail({ id: '<r2@x>', from: 'Li Wei <li.wei@work.example>', subject: 'more', to: `reply+${token}@reply.example.com` }), at(25));
    expect(r2).toMatchObject({ ticketId, created: false });
  });

  it('a reference in the subject threads only for a known contact of that customer', async () => {
    const { receive, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const reference = first.status === 'stored' ? first.reference! : '';
    const own = await receive(mail({ id: '<o@x>', subject: `About ${reference}` }), at(5));
    expect(own).toMatchObject({ reference, created: false });
    const stranger = await receive(mail({ id: '<s@x>', from: 'Mallory <mallory@evil.example>', subject: `About ${reference}` }), at(6));
    expect(stranger).toMatchObject({ created: true });
    expect(stranger.status === 'stored' && stranger.reference).not.toBe(reference);
    expect(db.select().from(tickets).all()).toHaveLength(2);
  });
});

describe('automatic mail', () => {
  it('an auto-reply to the ack is stored on the ticket, never acknowledged; one to nothing opens no ticket', async () => {
    const { receive, acks, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const ackId = (JSON.parse(acks()[0]!.headers!) as Record<string, string>)['Message-ID']!;
    const auto = await receive(fixture('auto-reply.eml', { __ACK_ID__: ackId }), at(1));
    expect(auto).toMatchObject({ outcome: 'message', created: false, ticketId: first.status === 'stored' ? first.ticketId : -1 });
    expect(JSON.parse(db.select().from(messages).all().at(-1)!.meta!).automated).toBe('auto-reply');
    const lone = await receive(fixture('out-of-office-subject.eml'), at(2));
    expect(lone).toMatchObject({ outcome: 'automated-unmatched' });
    expect(db.select().from(tickets).all()).toHaveLength(1);
    expect(acks()).toHaveLength(1);
  });

  it('a DSN bounce of the acknowledgement is matched, shown on the ticket and marks the address undeliverable', async () => {
    const { receive, acks, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const ackId = (JSON.parse(acks()[0]!.headers!) as Record<string, string>)['Message-ID']!;
    const bounce = await receive(fixture('dsn-bounce.eml', { __ACK_ID__: ackId, __RECIPIENT__: 'li.wei@example.com' }), at(1), { mailFrom: '', rcptTo: [] });
    expect(bounce).toMatchObject({ outcome: 'bounce', ticketId: first.status === 'stored' ? first.ticketId : -1 });
    const ev = db.select().from(events).where(eq(events.type, 'email.bounced')).get()!;
    expect(JSON.parse(ev.data)).toMatchObject({ hard: true, status: '5.1.1', recipient: 'li.wei@example.com', undeliverable: true });
    const contact = db.select().from(customerContacts).where(eq(customerContacts.value, 'li.wei@example.com')).get()!;
    expect(contact.undeliverableAt).not.toBeNull();
    expect(db.select().from(tickets).all()).toHaveLength(1);
    expect(db.select().from(messages).all()).toHaveLength(1);
  });

  it('a bounce of a staff reply marks that message bounced', async () => {
    const { receive, ctx, db } = setup();
    const first = await receive(mail({ id: '<first@x>' }));
    const ticketId = first.status === 'stored' ? first.ticketId! : -1;
    const { messageId } = replyToClient(ctx, { ticketId, text: 'Answer.', author: { type: 'staff' }, now: at(10) });
    const id = db.select().from(messages).where(eq(messages.id, messageId)).get()!.providerMessageId!;
    const soft = fixture('dsn-bounce.eml', { __ACK_ID__: id, __RECIPIENT__: 'li.wei@example.com' })
      .toString('latin1')
      .replace('Action: failed', 'Action: delayed')
      .replace('Status: 5.1.1', 'Status: 4.2.2')
      .replace('<bounce-1@', '<bounce-2@');
    await receive(Buffer.from(soft, 'latin1'), at(11));
    const row = db.select().from(messages).where(eq(messages.id, messageId)).get()!;
    expect(row.deliveryStatus).toBe('deferred');
    expect(row.deliveryError).toContain('4.2.2');
    expect(db.select().from(customerContacts).where(eq(customerContacts.value, 'li.wei@example.com')).get()!.undeliverableAt).toBeNull();
  });

  it("Redress's own mail is never ingested again", async () => {
    const { receive, db } = setup();
    expect(await receive(fixture('own-mail.eml'))).toMatchObject({ outcome: 'own' });
    expect(db.select().from(tickets).all()).toHaveLength(0);
  });
});

describe('quarantine', () => {
  it('mail that fails to store is kept raw (row and file), counted, and replayable once the cause is gone', async () => {
    const ctx = testContext({ file: true });
    const r: EmailReceiver = { tickets: ctx, quarantineDir: join(ctx.dir, 'quarantine'), parse: { ownHosts: [] } };
    // A real storage failure: the database refuses the raw row.
    ctx.db.$client.exec(`create trigger fail_raw before insert on inbound_emails begin select raise(abort, 'database or disk is full'); end`);
    const raw = fixture('big5.eml');
    const res = await receiveEmail(r, { raw, source: 'smtp', now: T0 });
    expect(res.status).toBe('quarantined');
    expect(ctx.db.select().from(tickets).all()).toHaveLength(0);
    const [q] = ctx.db.select().from(emailQuarantine).all();
    expect(q!.error).toContain('database or disk is full');
    expect(readFileSync(join(r.quarantineDir, q!.file)).equals(raw)).toBe(true);
    // The sender retries: still one quarantine row.
    await receiveEmail(r, { raw, source: 'smtp', now: at(1) });
    expect(countOpenQuarantine(ctx.db)).toBe(1);

    expect(await replayQuarantined(r, q!.id, at(2))).toMatchObject({ ok: false });
    ctx.db.$client.exec('drop trigger fail_raw');
    expect(await replayQuarantined(r, q!.id, at(3))).toMatchObject({ ok: true, result: { outcome: 'message', created: true } });
    expect(countOpenQuarantine(ctx.db)).toBe(0);
    expect(ctx.db.select().from(tickets).all()).toHaveLength(1);
    expect(await replayQuarantined(r, q!.id, at(4))).toMatchObject({ ok: false, error: expect.stringContaining('already replayed') });
    expect(existsSync(join(r.quarantineDir, q!.file))).toBe(true);
  });

  it('mail received side by side is stored in one group; the one that fails is quarantined alone', async () => {
    const { ctx, r, db } = setup();
    ctx.db.$client.exec(
      `create trigger fail_one before insert on inbound_emails when new.dedupe_key = '<bad@example.com>'
       begin select raise(abort, 'database or disk is full'); end`,
    );
    const results = await Promise.all(
      ['<a@example.com>', '<bad@example.com>', '<b@example.com>'].map((id, i) =>
        receiveEmail(r, { raw: mail({ id, from: `Client ${i} <client${i}@example.com>` }), source: 'smtp', now: T0 }),
      ),
    );
    expect(results.map((x) => x.status)).toEqual(['stored', 'quarantined', 'stored']);
    expect(db.select({ key: inboundEmails.dedupeKey }).from(inboundEmails).all().map((x) => x.key).sort()).toEqual(['<a@example.com>', '<b@example.com>']);
    // The failed message left nothing behind but its quarantine row: no ticket, no message.
    expect(db.select().from(tickets).all()).toHaveLength(2);
    expect(db.select().from(messages).all()).toHaveLength(2);
    expect(countOpenQuarantine(db)).toBe(1);
  });
});

describe('attachments', () => {
  it('are typed by content and stored under safe names; the rest is recorded as refused', async () => {
    const { receive, db } = setup();
    await receive(fixture('evil-attachment-name.eml'));
    const rows = db.$client.prepare('select filename, content_type, state, error from attachments order by id').all();
    expect(rows).toEqual([
      { filename: 'statementgnp.exe', content_type: 'image/png', state: 'stored', error: null },
      { filename: 'contract.pdf', content_type: 'application/pdf', state: 'stored', error: null },
    ]);
  });
});
