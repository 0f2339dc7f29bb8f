// The SMS channel through the built server and a local fake Twilio: texts arriving through the
// signed webhook (stored, threaded, acknowledged, idempotent), opting out and back in, MMS
// media fetched afterwards, staff replies and Twilio's delivery callbacks. One server for the
// file (starting one is the slow part); every test uses its own phone numbers.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTED_OUT_REASON } from '../../app/sms/outbound.server';
import { intake } from '../../app/tickets/intake.server';
import { replyToClient } from '../../app/tickets/reply.server';
import { writeTransaction } from '../../db/client';
import { attachments, customerContacts, events, messages, outbox, smsKeywordMessages, tickets } from '../../db/schema';
import { queueOutbox } from '../../db/store/outbox';
import { insertMessage } from '../../db/store/tickets';
import { sidOf } from '../support/fake-twilio';
import { newPhone, PUBLIC_URL, startSmsHarness, TWILIO_FROM, waitFor, type SmsHarness } from '../support/sms-harness';
import { postSigned, smsForm } from '../support/twilio-webhook';

let h: SmsHarness;
beforeAll(async () => {
  h = await startSmsHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ticketOfSid = (sid: string) => {
  const m = h.db.select().from(messages).where(eq(messages.providerMessageId, sid)).get();
  return m ? h.db.select().from(tickets).where(eq(tickets.id, m.ticketId)).get() : undefined;
};
const sentTo = (phone: string) => h.fake.sent.filter((s) => s.to === phone);
const countRows = () => ({
  tickets: h.db.$client.prepare('select count(*) as n from tickets').get() as { n: number },
  messages: h.db.$client.prepare('select count(*) as n from messages').get() as { n: number },
});

describe('POST /webhooks/twilio/sms', () => {
  it('opens a complaint from a new number and sends the acknowledgement through Twilio', async () => {
    const phone = newPhone();
    const sid = sidOf('SM');
    const res = await h.text({ from: phone, sid, body: 'My card was charged twice for the same purchase at the airport.' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');

    const ticket = ticketOfSid(sid)!;
    expect(ticket).toMatchObject({ channel: 'sms', kind: 'complaint', status: 'new', language: 'en' });
    expect(ticket.subject).toBe('My card was charged twice for the same purchase at the airport.');

    const [ack] = await waitFor(() => sentTo(phone).length > 0 && sentTo(phone), 'the acknowledgement');
    expect(ack!.from).toBe(TWILIO_FROM);
    expect(ack!.body).toContain(ticket.reference);
    expect(ack!.body).toMatch(new RegExp(`${PUBLIC_URL}/track/[\\w-]{43}`));
    expect(ack!.statusCallback).toBe(`${PUBLIC_URL}/webhooks/twilio/status`);
    const row = await waitFor(
      () => h.db.select().from(outbox).where(and(eq(outbox.ticketId, ticket.id), eq(outbox.status, 'sent'))).get(),
      'the outbox row to be sent',
    );
    expect(row.providerId).toBe(ack!.sid);
  });

  it('acknowledges a text written in Chinese in Chinese', async () => {
    const phone = newPhone();
    const sid = sidOf('SM');
    await h.text({ from: phone, sid, body: '理财经理把基金说成存款卖给我，现在亏损了。' });
    const [ack] = await waitFor(() => sentTo(phone).length > 0 && sentTo(phone), 'the acknowledgement');
    expect(ack!.body).toContain(`已收到您的投诉，编号${ticketOfSid(sid)!.reference}`);
  });

  it('adds a second text from the same number to the open ticket, without a second acknowledgement', async () => {
    const phone = newPhone();
    const first = sidOf('SM');
    const second = sidOf('SM');
    await h.text({ from: phone, sid: first, body: 'The bank took a fee I never agreed to.' });
    expect((await h.text({ from: phone, sid: second, body: 'It was 200 yuan, on 3 March.' })).status).toBe(200);
    const ticket = ticketOfSid(first)!;
    expect(ticketOfSid(second)!.id).toBe(ticket.id);
    expect(h.db.select().from(messages).where(eq(messages.ticketId, ticket.id)).all().map((m) => m.text)).toEqual([
      'The bank took a fee I never agreed to.',
      'It was 200 yuan, on 3 March.',
    ]);
    await waitFor(() => sentTo(phone).length === 1, 'the one acknowledgement');
    expect(h.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id)).all()).toHaveLength(1);
  });

  it('joins the ticket a text starts with, when the number is its customer’s', async () => {
    const phone = newPhone();
    const firstSid = sidOf('SM');
    await h.text({ from: phone, sid: firstSid, body: 'My insurance claim has had no answer for two months.' });
    const older = ticketOfSid(firstSid)!;
    // The same client opens a second, more recent ticket on the web form.
    const ctx = { db: h.db, publicUrl: PUBLIC_URL, attachmentDir: `${h.server.dir}/attachments`, hooks: [] };
    const newer = intake(ctx, {
      channel: 'web',
      sender: { phone },
      text: 'A separate problem with my deposit account.',
      attachments: [],
      providerMessageId: `web-${sidOf('')}`,
      threadHints: [],
      receivedAt: new Date(),
    });
    expect(newer.ticketId).not.toBe(older.id);

    // Without a reference a text joins the most recently active ticket…
    const plain = sidOf('SM');
    await h.text({ from: phone, sid: plain, body: 'Any news?' });
    expect(ticketOfSid(plain)!.id).toBe(newer.ticketId);

    // …with one, the ticket it names.
    const quoting = sidOf('SM');
    await h.text({ from: phone, sid: quoting, body: `${older.reference.toLowerCase()} I have now sent the claim form twice.` });
    expect(ticketOfSid(quoting)!.id).toBe(older.id);

    // A stranger quoting the reference opens a ticket of their own.
    const stranger = sidOf('SM');
    await h.text({ from: newPhone(), sid: stranger, body: `${older.reference} what is happening with this?` });
    expect(ticketOfSid(stranger)!.id).not.toBe(older.id);
    expect(ticketOfSid(stranger)!.customerId).not.toBe(older.customerId);
  });

  it('takes the same MessageSid three times at once as one message with one acknowledgement', async () => {
    const phone = newPhone();
    const sid = sidOf('SM');
    const responses = await Promise.all([1, 2, 3].map(() => h.text({ from: phone, sid, body: 'Someone withdrew money from my account.' })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(h.db.select().from(messages).where(eq(messages.providerMessageId, sid)).all()).toHaveLength(1);
    const ticket = ticketOfSid(sid)!;
    expect(h.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id)).all()).toHaveLength(1);
    await waitFor(() => h.db.select().from(outbox).where(and(eq(outbox.ticketId, ticket.id), eq(outbox.status, 'sent'))).get(), 'the ack');
    expect(sentTo(phone)).toHaveLength(1);
    // A later retry by Twilio is just as harmless.
    expect((await h.text({ from: phone, sid, body: 'Someone withdrew money from my account.' })).status).toBe(200);
    expect(h.db.select().from(messages).where(eq(messages.ticketId, ticket.id)).all()).toHaveLength(1);
  });

  it('refuses a forged or missing signature with 403 and stores nothing', async () => {
    const before = countRows();
    const params = smsForm(h.fake.accountSid, { from: newPhone(), body: 'forged' });
    const base = { baseUrl: h.server.url, publicUrl: PUBLIC_URL, authToken: h.fake.authToken, path: '/webhooks/twilio/sms', params };
    const forged = await postSigned({ ...base, signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toBe('Invalid Twilio signature.');
    expect((await postSigned({ ...base, signature: null })).status).toBe(403);
    expect((await postSigned({ ...base, authToken: 'wrong-token-wrong-token' })).status).toBe(403);
    // Signed for the address the server listens on rather than its public URL: still refused.
    expect((await postSigned({ ...base, publicUrl: h.server.url })).status).toBe(403);
    expect(countRows()).toEqual(before);
  });

  it('refuses a body changed after Twilio signed it', async () => {
    const before = countRows();
    const res = await postSigned({
      baseUrl: h.server.url,
      publicUrl: PUBLIC_URL,
      authToken: h.fake.authToken,
      path: '/webhooks/twilio/sms',
      params: smsForm(h.fake.accountSid, { from: newPhone(), body: 'Please refund 100 yuan.' }),
      tamper: (p) => ({ ...p, Body: 'Please refund 100000 yuan.' }),
    });
    expect(res.status).toBe(403);
    expect(countRows()).toEqual(before);
  });

  it('checks the signature over the query string exactly as received', async () => {
    const phone = newPhone();
    const path = "/webhooks/twilio/sms?site=main&note=it's%20ok";
    const sid = sidOf('SM');
    expect((await h.text({ from: phone, sid, body: 'Through a webhook URL with a query.', path })).status).toBe(200);
    expect(ticketOfSid(sid)).toBeDefined();
    // Signed without the query string, posted with it: refused.
    const res = await postSigned({
      baseUrl: h.server.url,
      publicUrl: PUBLIC_URL,
      authToken: h.fake.authToken,
      path,
      signedPath: '/webhooks/twilio/sms',
      params: smsForm(h.fake.accountSid, { from: phone, body: 'x' }),
    });
    expect(res.status).toBe(403);
  });

  it('accepts fields Twilio adds without notice, as part of the signature', async () => {
    const sid = sidOf('SM');
    const params = { ...smsForm(h.fake.accountSid, { from: newPhone(), sid, body: 'New fields.' }), AddOns: '{"status":"successful"}', MessagingServiceSid: sidOf('MG') };
    const res = await postSigned({ baseUrl: h.server.url, publicUrl: PUBLIC_URL, authToken: h.fake.authToken, path: '/webhooks/twilio/sms', params });
    expect(res.status).toBe(200);
    expect(ticketOfSid(sid)).toBeDefined();
  });

  it('stores texts from short codes and alphanumeric senders and never answers them', async () => {
    const shortCode = sidOf('SM');
    const alpha = sidOf('SM');
    await h.text({ from: '95588', sid: shortCode, body: 'Your verification code is 123456' });
    await h.text({ from: 'BANKALERT', sid: alpha, body: 'HELP' });
    const a = h.db.select().from(messages).where(eq(messages.providerMessageId, shortCode)).get()!;
    const b = h.db.select().from(messages).where(eq(messages.providerMessageId, alpha)).get()!;
    expect([a.senderAddress, b.senderAddress]).toEqual(['95588', 'BANKALERT']);
    expect(h.db.select().from(outbox).where(eq(outbox.ticketId, a.ticketId)).all()).toEqual([]);
    expect(h.db.select().from(outbox).where(eq(outbox.ticketId, b.ticketId)).all()).toEqual([]);
    expect(h.db.select().from(customerContacts).where(eq(customerContacts.value, 'BANKALERT')).all()).toEqual([]);
  });

  it('answers HELP in the client’s language, without opening a ticket', async () => {
    const phone = newPhone();
    const sid = sidOf('SM');
    await h.text({ from: phone, sid, body: '信用卡年费没有告知就扣了。' });
    await waitFor(() => sentTo(phone).length === 1, 'the acknowledgement');
    const ticket = ticketOfSid(sid)!;
    expect((await h.text({ from: phone, body: '  help ' })).status).toBe(200);
    const help = await waitFor(() => sentTo(phone)[1], 'the help text');
    expect(help.body).toContain('回复STOP退订');
    expect(h.db.select().from(messages).where(eq(messages.ticketId, ticket.id)).all()).toHaveLength(1);
    expect(h.db.select().from(tickets).where(eq(tickets.customerId, ticket.customerId)).all()).toHaveLength(1);

    const stranger = newPhone();
    await h.text({ from: stranger, body: 'HELP' });
    expect((await waitFor(() => sentTo(stranger)[0], 'the help text')).body).toMatch(/^Complaints line: .*Reply STOP to opt out/);
  });

  it('answers 400 to a signed request that is not a Twilio message', async () => {
    const params = smsForm(h.fake.accountSid, { from: newPhone(), body: 'x' });
    delete params.From;
    const res = await postSigned({ baseUrl: h.server.url, publicUrl: PUBLIC_URL, authToken: h.fake.authToken, path: '/webhooks/twilio/sms', params });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Not a Twilio message: From /);
  });
});

const ctx = () => ({ db: h.db, publicUrl: PUBLIC_URL, attachmentDir: join(h.server.dir, 'attachments'), hooks: [] });
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
