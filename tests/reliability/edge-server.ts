// The built server with every public edge switched on (a fake Twilio behind the SMS webhook, the
// raw-MIME email webhook's token, an SMTP listener) on a seeded database with API tokens: what
// the tests that throw things at all the edges at once start from.
import { randomBytes } from 'node:crypto';
import { seededDir, tokensFor } from '../api/support';
import { freePort } from '../support/dovecot';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio';
import { startServer, type TestServer } from '../support/server';

export const PUBLIC_URL = 'https://complaints.example.com';

export interface EdgeServer {
  server: TestServer;
  fake: FakeTwilio;
  smtpPort: number;
  /** An admin API token. */
  apiToken: string;
  /** The bearer secret of POST /webhooks/email. */
  emailToken: string;
  stop(): Promise<void>;
}

export async function startEdgeServer({ tickets = 0, env = {} }: { tickets?: number; env?: Record<string, string> } = {}): Promise<EdgeServer> {
  const seeded = seededDir(tickets);
  const apiToken = tokensFor(seeded.databasePath).admin;
  const emailToken = randomBytes(16).toString('hex');
  const fake = await startFakeTwilio();
  const smtpPort = await freePort();
  const server = await startServer(
    {
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: '+447700900000',
      TWILIO_API_URL: fake.url,
      INBOUND_EMAIL_TOKEN: emailToken,
      SMTP_PORT: String(smtpPort),
      ...env,
    },
    seeded.dir,
    { startTimeoutMs: 150_000 },
  );
  return {
    server,
    fake,
    smtpPort,
    apiToken,
    emailToken,
    async stop() {
      await server.stop();
      await fake.close();
    },
  };
}
