// One built server wired to a local fake Twilio, with helpers to post signed webhooks and to
// read what the server stored. Each test file starts its own (own database, own fake).
import { openDb, type Db } from '../../db/client';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';
import { startServer, type TestServer } from './server';
import { postSigned, smsForm } from './twilio-webhook';

export const PUBLIC_URL = 'https://complaints.example.com';
export const TWILIO_FROM = '+447700900000';

export interface SmsHarness {
  server: TestServer;
  fake: FakeTwilio;
  /** The server's database, opened from the test (WAL: reads see every commit). */
  db: Db;
  text(input: Parameters<typeof smsForm>[1] & { path?: string }): Promise<Response>;
  status(params: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startSmsHarness(env: Record<string, string> = {}): Promise<SmsHarness> {
  const fake = await startFakeTwilio();
  const server = await startServer({
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM,
    TWILIO_API_URL: fake.url,
    ...env,
  }, undefined, { startTimeoutMs: 150_000 });
  const db = openDb({ url: `file:${server.databasePath}`, sync: 'normal', migrate: false });
  const sign = { baseUrl: server.url, publicUrl: PUBLIC_URL, authToken: fake.authToken };
  return {
    server,
    fake,
    db,
    text: ({ path, ...input }) => postSigned({ ...sign, path: path ?? '/webhooks/twilio/sms', params: smsForm(fake.accountSid, input) }),
    status: (params) => postSigned({ ...sign, path: '/webhooks/twilio/status', params: { AccountSid: fake.accountSid, ApiVersion: '2010-04-01', ...params } }),
    async stop() {
      db.$client.close();
      await server.stop();
      await fake.close();
    },
  };
}

/** Polls until `check` returns something truthy (bounded: fails after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let phoneSeq = 0;
/** A fresh, valid mobile number per call, so tests sharing a server never meet. */
export function newPhone(country: 'CN' | 'GB' = 'CN'): string {
  phoneSeq += 1;
  const tail = String((process.pid * 1000 + phoneSeq) % 100_000_000).padStart(8, '0');
  return country === 'CN' ? `+86139${tail}` : `+447700${tail.slice(-6)}`;
}
