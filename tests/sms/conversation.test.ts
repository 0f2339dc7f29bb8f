// A conversation by text after the first message: opting out and back in, MMS media fetched
// afterwards, staff replies and Twilio's delivery callbacks.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTED_OUT_REASON } from '../../app/sms/outbound.server';
import { replyToClient } from '../../app/tickets/reply.server';
import { writeTransaction } from '../../db/client';
import { attachments, customerContacts, events, messages, outbox, smsKeywordMessages, tickets } from '../../db/schema';
import { queueOutbox } from '../../db/store/outbox';
import { insertMessage } from '../../db/store/tickets';
import { sidOf } from '../support/fake-twilio';
import { newPhone, PUBLIC_URL, startSmsHarness, waitFor, type SmsHarness } from '../support/sms-harness';

let h: SmsHarness;
beforeAll(async () => {
  h = await startSmsHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ctx = () => ({ db: h.db, publicUrl: PUBLIC_URL, attachmentDir: join(h.server.dir, 'attachments'), hooks: [] });
const sentTo = (phone: string) => h.fake.sent.filter((s) => s.to === phone);
const staff = { type: 'staff' as const, staffId: null };

/** A client who texted a complaint and got the acknowledgement. */
async function clientWithTicket(body = 'My pension transfer has been stuck for six weeks.') {
  const phone = newPhone();
  const sid = sidOf('SM');
  expect((await h.text({ from: phone, sid, body })).status).toBe(200);
  await waitFor(() => sentTo(phone).length === 1, 'the acknowledgement');
  const m = h.db.select().from(messages).where(eq(messages.providerMessageId, sid)).get()!;
  return { phone, ticketId: m.ticketId };
}

const contactOf = (phone: string) => h.db.select().from(customerContacts).where(eq(customerContacts.value, phone)).get()!;
const eventTypes = (ticketId: number) => h.db.select().from(events).where(eq(events.ticketId, ticketId)).all().map((e) => e.type);

describe('opting out by text', () => {
  it('STOP records the opt-out on the ticket, refuses staff texts and fails queued ones, until START', async () => {
    const { phone, ticketId } = await clientWithTicket();
    const stopSid = sidOf('SM');
    expect((await h.text({ from: phone, sid: stopSid, body: ' Stop ' })).status).toBe(200);
    expect(contactOf(phone).optedOutAt).toBeInstanceOf(Date);
    expect(eventTypes(ticketId)).toContain('sms.opted_out');
    // A command, not part of the complaint, and not answered.
    expect(h.db.select().from(messages).where(eq(messages.ticketId, ticketId)).all()).toHaveLength(1);
    // Twilio retrying the STOP changes nothing.
    expect((await h.text({ from: phone, sid: stopSid, body: ' Stop ' })).status).toBe(200);
    expect(h.db.select().from(smsKeywordMessages).where(eq(smsKeywordMessages.phone, phone)).all()).toHaveLength(1);

    expect(() => replyToClient(ctx(), { ticketId, text: 'We are looking into it.', channel: 'sms', author: staff, now: new Date() })).toThrow(
      /opted out/,
    );

    // A text queued before the STOP reached us is failed at send time, never sent.
    const queued = writeTransaction(h.db, (tx) => {
      const m = insertMessage(tx, {
        ticketId,
        direction: 'out',
        channel: 'sms',
        authorType: 'staff',
        senderAddress: phone,
        text: 'Queued before the STOP.',
        deliveryStatus: 'queued',
        createdAt: new Date(),
      });
      return { messageId: m.id, outboxId: queueOutbox(tx, { channel: 'sms', recipient: phone, body: m.text, purpose: 'reply', ticketId, messageId: m.id, now: new Date() }) };
    });
    const failed = await waitFor(
      () => h.db.select().from(outbox).where(and(eq(outbox.id, queued.outboxId), eq(outbox.status, 'failed'))).get(),
      'the queued text to fail',
    );
    expect(failed.lastError).toBe(OPTED_OUT_REASON);
    expect(h.db.select().from(messages).where(eq(messages.id, queued.messageId)).get()).toMatchObject({
      deliveryStatus: 'failed',
      deliveryError: OPTED_OUT_REASON,
    });
    expect(sentTo(phone)).toHaveLength(1);

    // HELP from an opted-out number is not answered either.
    await h.text({ from: phone, body: 'HELP' });

    expect((await h.text({ from: phone, body: 'unstop' })).status).toBe(200);
    expect(contactOf(phone).optedOutAt).toBeNull();
    expect(eventTypes(ticketId)).toContain('sms.opted_in');
    replyToClient(ctx(), { ticketId, text: 'Thank you, we have your transfer details.', channel: 'sms', author: staff, now: new Date() });
    const reply = await waitFor(() => sentTo(phone)[1], 'the staff reply');
    expect(reply.body).toBe('Thank you, we have your transfer details.');
    expect(sentTo(phone)).toHaveLength(2);
  });

  it('takes YES from a number that never opted out as an ordinary text', async () => {
    const { phone, ticketId } = await clientWithTicket();
    await h.text({ from: phone, body: 'Yes' });
    expect(h.db.select().from(messages).where(eq(messages.ticketId, ticketId)).all().map((m) => m.text)).toContain('Yes');
    expect(eventTypes(ticketId)).not.toContain('sms.opted_in');
  });

  it('remembers a STOP from a number it has never seen', async () => {
    const phone = newPhone();
    await h.text({ from: phone, body: 'OPTOUT' });
    expect(contactOf(phone).optedOutAt).toBeInstanceOf(Date);
    expect(h.db.select().from(tickets).where(eq(tickets.customerId, contactOf(phone).customerId)).all()).toEqual([]);
  });
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake png body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('fake jpeg body')]);

describe('MMS', () => {
  it('stores the text at once and fetches two images from Twilio afterwards; a 404 is shown on the message', async () => {
    const sid = sidOf('MM');
    const png = h.fake.addMedia(sid, { contentType: 'image/png', body: PNG });
    const jpeg = h.fake.addMedia(sid, { contentType: 'image/jpeg', body: JPEG });
    const gone = `https://api.twilio.com/2010-04-01/Accounts/${h.fake.accountSid}/Messages/${sid}/Media/${sidOf('ME')}`;
    const res = await h.text({
      from: newPhone(),
      sid,
      body: 'Photos of the contract they made me sign.',
      media: [
        { url: png, type: 'image/png' },
        { url: jpeg, type: 'image/jpeg' },
        { url: gone, type: 'image/jpeg' },
      ],
    });
    expect(res.status).toBe(200);
    const message = h.db.select().from(messages).where(eq(messages.providerMessageId, sid)).get()!;
    expect(message.text).toBe('Photos of the contract they made me sign.');
    const rows = () => h.db.select().from(attachments).where(eq(attachments.messageId, message.id)).orderBy(attachments.id).all();
    expect(rows()).toHaveLength(3);

    const settled = await waitFor(() => rows().every((a) => a.state !== 'pending') && rows(), 'the media to be fetched');
    expect(settled.map((a) => [a.filename, a.state, a.contentType])).toEqual([
      ['mms-1.png', 'stored', 'image/png'],
      ['mms-2.jpg', 'stored', 'image/jpeg'],
      ['mms-3.jpg', 'failed', 'image/jpeg'],
    ]);
    expect(settled[2]!.error).toBe('HTTP 404 fetching media');
    for (const [row, bytes] of [
      [settled[0]!, PNG],
      [settled[1]!, JPEG],
    ] as const) {
      expect(row.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const path = join(h.server.dir, 'attachments', row.storageKey!);
      expect(existsSync(path) && readFileSync(path).equals(bytes)).toBe(true);
    }
    expect(eventTypes(message.ticketId)).toContain('attachment.failed');
    // Every media request carried the account's Basic auth, through TWILIO_API_URL.
    const mediaRequests = h.fake.requests.filter((r) => r.path.includes(`/Messages/${sid}/Media/`));
    expect(mediaRequests).toHaveLength(3);
    expect(mediaRequests.every((r) => r.method === 'GET' && r.authorized)).toBe(true);
  });
});

describe('replies and delivery callbacks', () => {
  async function sentReply(ticketId: number, text: string) {
    const { messageId } = replyToClient(ctx(), { ticketId, text, channel: 'sms', author: staff, now: new Date() });
    const row = await waitFor(
      () => h.db.select().from(outbox).where(and(eq(outbox.messageId, messageId), eq(outbox.status, 'sent'))).get(),
      'the reply to be sent',
    );
    return { messageId, sid: row.providerId! };
  }
  const delivery = (id: number) => {
    const m = h.db.select().from(messages).where(eq(messages.id, id)).get()!;
    return [m.deliveryStatus, m.deliveryError];
  };

  it('moves the delivery state forward only, whatever the order and however often callbacks come', async () => {
    const { ticketId } = await clientWithTicket();
    const a = await sentReply(ticketId, 'We have opened an investigation.');
    expect(delivery(a.messageId)).toEqual(['queued', null]);
    const post = async (sid: string, MessageStatus: string, extra: Record<string, string> = {}) =>
      (await h.status({ MessageSid: sid, SmsSid: sid, MessageStatus, ...extra })).status;

    expect(await post(a.sid, 'sent')).toBe(204);
    expect(delivery(a.messageId)).toEqual(['sent', null]);
    expect(await post(a.sid, 'delivered')).toBe(204);
    expect(await post(a.sid, 'delivered')).toBe(204);
    expect(await post(a.sid, 'sent')).toBe(204);
    expect(await post(a.sid, 'queued')).toBe(204);
    expect(await post(a.sid, 'failed', { ErrorCode: '30003' })).toBe(204);
    expect(delivery(a.messageId)).toEqual(['delivered', null]);
    expect(await post(a.sid, 'read')).toBe(204);
    expect(delivery(a.messageId)).toEqual(['delivered', null]);

    // Out of order: the final word arrives before the intermediate ones, and keeps its error code.
    const b = await sentReply(ticketId, 'Could you send us the contract number?');
    expect(await post(b.sid, 'undelivered', { ErrorCode: '30005' })).toBe(204);
    expect(await post(b.sid, 'sending')).toBe(204);
    expect(await post(b.sid, 'sent')).toBe(204);
    expect(delivery(b.messageId)).toEqual(['undelivered', '30005']);

    // Unknown message: accepted, nothing to change. Forged: refused.
    expect(await post(sidOf('SM'), 'delivered')).toBe(204);
    const forged = await fetch(`${h.server.url}/webhooks/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
      body: new URLSearchParams({ MessageSid: b.sid, MessageStatus: 'delivered' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(delivery(b.messageId)).toEqual(['undelivered', '30005']);
  });

  it('sends a 1,600-character reply of Chinese and emoji whole, and keeps its segment count; refuses one more', async () => {
    const { ticketId } = await clientWithTicket('基金赎回款一直没有到账。');
    const text = '请'.repeat(1500) + '🙂'.repeat(100);
    expect([...text]).toHaveLength(1600);
    const { messageId } = await sentReply(ticketId, text);
    const fake = h.fake.sent.find((s) => s.body.startsWith('请请请'))!;
    expect(fake.body).toBe(text);
    // UCS-2: 1,700 UTF-16 units in parts of 67, no emoji split across two parts.
    expect(JSON.parse(h.db.select().from(messages).where(eq(messages.id, messageId)).get()!.meta!)).toMatchObject({
      segments: 26,
      encoding: 'UCS-2',
    });
    expect(() => replyToClient(ctx(), { ticketId, text: `${text}!`, channel: 'sms', author: staff, now: new Date() })).toThrow(
      /at most 1600 characters/,
    );
  });
});
