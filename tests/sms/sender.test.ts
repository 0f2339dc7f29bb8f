// The outbound path in-process, against the local fake Twilio, with time passed in: the
// dispatcher, the opt-out guard and the real twilio client rewriting onto TWILIO_API_URL.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaDownloader } from '../../channels/sms/media';
import { createSmsSender } from '../../channels/sms/send';
import { createMediaWorker, MEDIA_MAX_ATTEMPTS } from '../../app/sms/media.server';
import { createGuardedSmsSender } from '../../app/sms/outbound.server';
import { createDispatcher } from '../../app/outbox/dispatcher.server';
import { ALLOWED_TYPES, MAX_ATTACHMENT_BYTES } from '../../app/tickets/attachment-type';
import { intake } from '../../app/tickets/intake.server';
import { attachments, customerContacts, outbox } from '../../db/schema';
import { startFakeTwilio, sidOf, type FakeTwilio } from '../support/fake-twilio';
import { testContext } from '../support/ticket-context';

let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio();
});
afterAll(async () => {
  await fake?.close();
});

// The dispatcher settles a row at the later of `now` and the real clock; a start far in the
// future makes that `now`, so these tests never depend on the wall clock.
const t0 = new Date('2100-06-01T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function setup(from = '+447700900001') {
  const ctx = testContext();
  const send = createSmsSender({ accountSid: fake.accountSid, authToken: fake.authToken, from, apiUrl: fake.url, publicUrl: 'https://c.example' });
  const dispatcher = createDispatcher({ db: ctx.db, senders: { sms: createGuardedSmsSender({ db: ctx.db, send, clock: () => t0 }) } });
  return { ctx, dispatcher };
}

function textFrom(ctx: ReturnType<typeof testContext>, phone: string, media: string[] = []) {
  return intake(ctx, {
    channel: 'sms',
    sender: { phone },
    text: 'The insurer refuses to pay my claim.',
    attachments: media.map((url, i) => ({ filename: `mms-${i + 1}.png`, declaredType: 'image/png', sourceUrl: url })),
    providerMessageId: sidOf('SM'),
    threadHints: [{ kind: 'recent-open', withinDays: 7 }],
    receivedAt: t0,
  });
}

const rowOf = (ctx: ReturnType<typeof testContext>, ticketId: number) => ctx.db.select().from(outbox).where(eq(outbox.ticketId, ticketId)).get()!;

describe('sending texts through Twilio', () => {
  it('retries once after a 500 and sends once after the 201', async () => {
    const { ctx, dispatcher } = setup();
    const phone = '+8613900000101';
    const { ticketId } = textFrom(ctx, phone);
    fake.failNext({ status: 500 });
    const creates = () => fake.requests.filter((r) => r.method === 'POST').length;
    const before = creates();

    expect(await dispatcher.runOnce(t0)).toBe(1);
    expect(rowOf(ctx, ticketId)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(rowOf(ctx, ticketId).lastError).toMatch(/^twilio 500/);
    expect(await dispatcher.runOnce(at(1_000))).toBe(0); // backing off
    expect(await dispatcher.runOnce(at(60_000))).toBe(1);
    expect(rowOf(ctx, ticketId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(creates() - before).toBe(2);
    expect(fake.sent.filter((s) => s.to === phone)).toHaveLength(1);
    expect(await dispatcher.runOnce(at(120_000))).toBe(0);
  });

  it('retries 429 and network errors, fails 21211 and other 4xx at once with the reason', async () => {
    const { ctx, dispatcher } = setup();
    const a = textFrom(ctx, '+8613900000102');
    fake.failNext({ status: 429, code: 20429, message: 'Too Many Requests' });
    await dispatcher.runOnce(t0);
    expect(rowOf(ctx, a.ticketId).status).toBe('queued');

    await dispatcher.runOnce(at(60_000));
    expect(rowOf(ctx, a.ticketId).status).toBe('sent');

    const b = textFrom(ctx, '+8613900000103');
    fake.failNext({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    await dispatcher.runOnce(at(60_000));
    expect(rowOf(ctx, b.ticketId)).toMatchObject({ status: 'failed' });
    expect(rowOf(ctx, b.ticketId).lastError).toMatch(/^twilio 21211 \(invalid number\)/);

    const c = textFrom(ctx, '+8613900000104');
    fake.failNext({ status: 403, code: 20003, message: 'Permission denied' });
    await dispatcher.runOnce(at(60_000));
    expect(rowOf(ctx, c.ticketId).status).toBe('failed');

    const offline = createSmsSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: '+447700900001', apiUrl: 'http://127.0.0.1:9', publicUrl: 'https://c.example' });
    const result = await offline({ id: 1, channel: 'sms', recipient: '+8613900000105', subject: null, body: 'hi', html: null, headers: {} });
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(result.ok === false && result.error).toMatch(/^network/);
  });

  it('marks the number opted out when Twilio answers 21610', async () => {
    const { ctx, dispatcher } = setup();
    const phone = '+8613900000106';
    const { ticketId } = textFrom(ctx, phone);
    fake.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await dispatcher.runOnce(t0);
    expect(rowOf(ctx, ticketId).lastError).toMatch(/^twilio 21610 \(opted out\)/);
    expect(ctx.db.select().from(customerContacts).where(eq(customerContacts.value, phone)).get()!.optedOutAt).toEqual(t0);
  });

  it('sends from a messaging service when TWILIO_FROM is one', async () => {
    const service = sidOf('MG');
    const { ctx, dispatcher } = setup(service);
    textFrom(ctx, '+8613900000107');
    await dispatcher.runOnce(t0);
    expect(fake.sent.find((s) => s.to === '+8613900000107')).toMatchObject({ messagingServiceSid: service, from: null });
  });
});

describe('fetching MMS media', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png')]);

  function worker(ctx: ReturnType<typeof testContext>, maxBytes = MAX_ATTACHMENT_BYTES) {
    return createMediaWorker({
      db: ctx.db,
      attachmentDir: ctx.attachmentDir,
      download: createMediaDownloader({ accountSid: fake.accountSid, authToken: fake.authToken, apiUrl: fake.url, maxBytes, allowedTypes: ALLOWED_TYPES }),
    });
  }
  const media = (ctx: ReturnType<typeof testContext>) => ctx.db.select().from(attachments).orderBy(attachments.id).all();

  it('retries a flaky fetch with backoff and stores the file once it comes', async () => {
    const ctx = testContext();
    const sid = sidOf('MM');
    textFrom(ctx, '+8613900000201', [fake.addMedia(sid, { contentType: 'image/png', body: PNG, failFirst: 2 })]);
    const w = worker(ctx);
    await w.runOnce(t0);
    expect(media(ctx)[0]).toMatchObject({ state: 'pending', attempts: 1, error: 'attempt 1: HTTP 503 fetching media' });
    expect(await w.runOnce(at(1_000))).toBe(0);
    await w.runOnce(at(5_000));
    expect(media(ctx)[0]).toMatchObject({ state: 'pending', attempts: 2 });
    await w.runOnce(at(15_000));
    expect(media(ctx)[0]).toMatchObject({ state: 'stored', attempts: 3, contentType: 'image/png', size: PNG.byteLength, error: null });
  });

  it('gives up after its attempts, and refuses files too large or not what they claim', async () => {
    const ctx = testContext();
    const sid = sidOf('MM');
    textFrom(ctx, '+8613900000202', [
      fake.addMedia(sid, { contentType: 'image/png', body: PNG, failFirst: 100 }),
      fake.addMedia(sid, { contentType: 'image/png', body: Buffer.alloc(2048, 0x89) }),
      fake.addMedia(sid, { contentType: 'image/png', body: Buffer.from('<html>not a png</html>') }),
      fake.addMedia(sid, { contentType: 'video/mp4', body: Buffer.from('mp4') }),
      'https://evil.example/steal-credentials',
    ]);
    const w = worker(ctx, 1024);
    for (let i = 0; i < MEDIA_MAX_ATTEMPTS; i++) await w.runOnce(at(i * 60 * 60 * 1000));
    expect(media(ctx).map((m) => [m.state, m.error])).toEqual([
      ['failed', 'HTTP 503 fetching media'],
      ['failed', 'too large: 2048 bytes'],
      ['failed', 'type not allowed: the bytes are not image/png, PDF, PNG or JPEG'],
      ['failed', 'type not allowed: video/mp4'],
      ['failed', "media URL is not on Twilio's API host: evil.example"],
    ]);
    expect(media(ctx)[0]!.attempts).toBe(MEDIA_MAX_ATTEMPTS);
  });
});
