// A local stand-in for Twilio's REST API (node:http, loopback only): Messages.json creates a
// message, media URLs serve bytes, both behind HTTP Basic auth. Failures are queued per test.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export interface FakeSms {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

export interface FakeFailure {
  status: number;
  code?: number;
  message?: string;
}

export interface FakeMedia {
  status?: number;
  /** Answer 503 this many times first (a flaky media store). */
  failFirst?: number;
  contentType: string;
  body: Uint8Array;
}

export interface FakeTwilio {
  /** Base URL to give as TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages created (201), in order. */
  sent: FakeSms[];
  /** Every request: method, path, whether its Basic auth was right. */
  requests: { method: string; path: string; authorized: boolean }[];
  /** The next create calls answer with these, one each, before creates succeed again. */
  failNext(...failures: FakeFailure[]): void;
  /**
   * Twilio down until called again with `null`: 'unavailable' answers every request 503,
   * 'refuse' stops listening so connections are refused (the same port comes back).
   */
  outage(mode: 'unavailable' | 'refuse' | null): Promise<void>;
  /** Registers a media item; returns the URL Twilio would put in MediaUrlN. */
  addMedia(messageSid: string, media: FakeMedia): string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(opts: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? sidOf('AC');
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const sent: FakeSms[] = [];
  const requests: FakeTwilio['requests'] = [];
  const failures: FakeFailure[] = [];
  const media = new Map<string, FakeMedia>();
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  let down: 'unavailable' | 'refuse' | null = null;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const authorized = req.headers.authorization === expectedAuth;
      requests.push({ method: req.method ?? '', path, authorized });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (down === 'unavailable') {
        res.setHeader('Connection', 'close');
        return json(503, { code: null, message: 'Service Unavailable (fake outage)', status: 503 });
      }
      if (!authorized) return json(401, { code: 20003, message: 'Authenticate', status: 401 });

      if (req.method === 'POST' && path === messagesPath) {
        const form = new URLSearchParams(await readBody(req));
        const failure = failures.shift();
        if (failure) {
          return json(failure.status, { code: failure.code ?? null, message: failure.message ?? `fake failure ${failure.status}`, status: failure.status });
        }
        const message: FakeSms = {
          sid: sidOf('SM'),
          to: form.get('To') ?? '',
          from: form.get('From'),
          messagingServiceSid: form.get('MessagingServiceSid'),
          body: form.get('Body') ?? '',
          statusCallback: form.get('StatusCallback'),
        };
        sent.push(message);
        return json(201, {
          sid: message.sid,
          account_sid: accountSid,
          to: message.to,
          from: message.from,
          body: message.body,
          status: 'queued',
          num_segments: '1',
          date_created: new Date().toUTCString(),
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
        });
      }

      const item = req.method === 'GET' ? media.get(path) : undefined;
      if (item && (item.failFirst ?? 0) > 0) {
        item.failFirst! -= 1;
        return json(503, { message: 'Service Unavailable' });
      }
      if (item) {
        res.writeHead(item.status ?? 200, { 'content-type': item.contentType, 'content-length': item.body.byteLength });
        return res.end(item.body);
      }
      json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    sent,
    requests,
    failNext: (...f) => failures.push(...f),
    async outage(mode) {
      const wasRefusing = down === 'refuse';
      down = mode;
      if (mode === 'refuse' && !wasRefusing) {
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
      } else if (mode !== 'refuse' && wasRefusing) {
        await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));
      }
    },
    addMedia(messageSid, item) {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${sidOf('ME')}`;
      media.set(path, item);
      return `https://api.twilio.com${path}`;
    },
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
