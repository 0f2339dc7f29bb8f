// How the SMS channel is wired when Twilio is not (fully) configured: webhooks refuse what they
// cannot verify, and texts to send wait in the outbox instead of being dropped.
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../app/outbox/dispatcher.server';
import { outbox } from '../../db/schema';
import { parseEnv } from '../../server/env';
import { createLogger } from '../../server/logger';
import { createSmsChannel } from '../../server/sms';
import { sidOf } from '../support/fake-twilio';
import { testContext } from '../support/ticket-context';
import { postSigned, smsForm } from '../support/twilio-webhook';

const PUBLIC_URL = 'https://complaints.example.com';

async function serve(config: Parameters<typeof createSmsChannel>[0]['config']) {
  const tickets = testContext();
  const channel = createSmsChannel({ config, tickets, log: createLogger('silent'), kickOutbox: () => undefined });
  const app = express();
  channel.mount(app);
  const server = await new Promise<ReturnType<typeof app.listen>>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { tickets, channel, url, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('SMS wiring', () => {
  it('refuses webhooks while TWILIO_AUTH_TOKEN is unset', async () => {
    const s = await serve({ publicUrl: PUBLIC_URL });
    try {
      expect(s.channel.sender).toBeUndefined();
      const res = await fetch(`${s.url}/webhooks/twilio/sms`, { method: 'POST', body: 'From=%2B8613800138000' });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/TWILIO_AUTH_TOKEN is unset/);
    } finally {
      await s.close();
    }
  });

  it('takes texts in without TWILIO_FROM, and keeps the acknowledgement queued until a sender exists', async () => {
    const accountSid = sidOf('AC');
    const authToken = 'a-token-of-sixteen-chars';
    const s = await serve({ publicUrl: PUBLIC_URL, TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken });
    try {
      expect(s.channel.sender).toBeUndefined();
      const res = await postSigned({
        baseUrl: s.url,
        publicUrl: PUBLIC_URL,
        authToken,
        path: '/webhooks/twilio/sms',
        params: smsForm(accountSid, { from: '+8613800138000', body: 'My deposit was moved into a fund without my consent.' }),
      });
      expect(res.status).toBe(200);
      const dispatcher = createDispatcher({ db: s.tickets.db, senders: { ...(s.channel.sender ? { sms: s.channel.sender } : {}) } });
      await dispatcher.runOnce(new Date(Date.now() + 3_600_000));
      expect(s.tickets.db.select().from(outbox).where(eq(outbox.channel, 'sms')).all().map((r) => r.status)).toEqual(['queued']);
    } finally {
      await s.close();
    }
  });

  it('names TWILIO_ACCOUNT_SID when it is not an account SID', () => {
    expect(() => parseEnv({ TWILIO_ACCOUNT_SID: 'my-account' })).toThrow(/^Invalid configuration: TWILIO_ACCOUNT_SID must be an account SID/);
    expect(parseEnv({ TWILIO_ACCOUNT_SID: sidOf('AC') }).TWILIO_ACCOUNT_SID).toMatch(/^AC/);
  });
});
