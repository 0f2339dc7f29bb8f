// Texts arriving through Twilio's webhook: verified, stored as tickets, acknowledged through
// the (fake) Twilio API, threaded, and idempotent.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../app/tickets/intake.server';
import { customerContacts, messages, outbox, tickets } from '../../db/schema';
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
