// Rate limits at the public edges, through the built server started with low limits: each edge
// answers 429 with Retry-After once its limit is used up, in the client's language (HTML for the
// portal, the API's JSON problem format), while another address or account is unaffected; the
// Twilio and email webhooks never answer 429. Addresses are told apart by X-Forwarded-For,
// which the server trusts from loopback only (trust proxy = loopback), as behind a local proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sidOf } from '../support/fake-twilio';
import { mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';
import { postSigned, smsForm } from '../support/twilio-webhook';
import { headers, multipart, send, submissionIdOf, validComplaint } from '../portal/portal-client';
import { seededDir, tokensFor } from '../api/support';

const PUBLIC_URL = 'https://complaints.example.com';
const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-rate-limit-tests';
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const EMAIL_TOKEN = 'email-webhook-token-0123456789';

let server: TestServer;
let tokens: ReturnType<typeof tokensFor>;

beforeAll(async () => {
  const { dir, databasePath } = seededDir(0);
  tokens = tokensFor(databasePath);
  server = await startServer(
    {
      PUBLIC_URL,
      TWILIO_AUTH_TOKEN,
      INBOUND_EMAIL_TOKEN: EMAIL_TOKEN,
      RATE_LIMIT_FORM: '3/10m',
      RATE_LIMIT_TRACK: '4/10m',
      RATE_LIMIT_API: '3/10m',
      RATE_LIMIT_API_IP: '6/10m',
      RATE_LIMIT_LOGIN_IP: '4/10m',
      RATE_LIMIT_LOGIN_ACCOUNT: '2/10m',
    },
    dir,
    { timeoutMs: 120_000 },
  );
});
afterAll(async () => {
  await server?.stop();
});

let lastIp = 0;
/** A fresh client address per use, so tests never share a budget. */
const newIp = () => `198.51.100.${++lastIp}`;
const from = (ip: string, lang: 'en' | 'zh' = 'en') => ({ ...headers(lang), 'X-Forwarded-For': ip });
const count = (table: string) => query<{ n: number }>(server.databasePath, `select count(*) as n from ${table}`)[0]!.n;

function expectRetryAfter(res: Response, windowSeconds: number): number {
  const value = res.headers.get('retry-after');
  expect(value).toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
  return seconds;
}

describe('the public complaint and feedback forms', () => {
  it('take 3 posts per address, then answer 429 with Retry-After and a page in the client language; nothing more is stored', async () => {
    const ip = newIp();
    const before = count('tickets');
    for (let i = 0; i < 3; i++) {
      const body = multipart(validComplaint(await submissionIdOf(server, '/complaint'), { email: `limit-${i}@example.com` }));
      const res = await send(server, '/complaint', { method: 'POST', body, headers: from(ip) });
      expect(res.status).toBe(302);
    }
    expect(count('tickets')).toBe(before + 3);

    const body = multipart(validComplaint(await submissionIdOf(server, '/complaint'), { email: 'limit-4@example.com' }));
    const refused = await send(server, '/complaint', { method: 'POST', body, headers: from(ip) });
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await refused.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Please slow down');
    expect(html).toMatch(/Please wait \d+ min and try again/);
    expect(count('tickets')).toBe(before + 3);

    // The feedback form shares the budget of the address; in Chinese when the client chose it.
    const zh = await send(server, '/feedback', { method: 'POST', body: new URLSearchParams({ text: 'x' }), headers: { ...from(ip), Cookie: 'lang=zh' } });
    expect(zh.status).toBe(429);
    const zhHtml = await zh.text();
    expect(zhHtml).toContain('<html lang="zh-CN">');
    expect(zhHtml).toContain('请稍后再试');
  });

  it('another address is unaffected, and reading the forms is never limited', async () => {
    const ip = newIp();
    for (let i = 0; i < 3; i++) await send(server, '/feedback', { method: 'POST', body: new URLSearchParams({}), headers: from(ip) });
    expect((await send(server, '/feedback', { method: 'POST', body: new URLSearchParams({}), headers: from(ip) })).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await send(server, '/complaint', { headers: from(ip) })).status).toBe(200);

    const other = await send(server, '/feedback', { method: 'POST', body: new URLSearchParams({}), headers: from(newIp()) });
    expect(other.status).toBe(400);
  });
});

describe('the tracking lookup', () => {
  it('answers 4 lookups per address (unknown tokens get 404), then 429 for every /track/ link', async () => {
    const ip = newIp();
    const guess = () => `/track/${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
    for (let i = 0; i < 4; i++) expect((await send(server, guess(), { headers: from(ip) })).status).toBe(404);
    const refused = await send(server, guess(), { headers: from(ip, 'zh') });
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
    expect(await refused.text()).toContain('请稍后再试');
    expect((await send(server, `${guess()}/sent`, { headers: from(ip) })).status).toBe(429);

    expect((await send(server, guess(), { headers: from(newIp()) })).status).toBe(404);
  });
});

describe('staff sign-in', () => {
  async function signIn(ip: string, email: string): Promise<Response> {
    const form = await send(server, '/staff/login', { headers: from(ip) });
    const cookie = form.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    return send(server, '/staff/login', {
      method: 'POST',
      body: new URLSearchParams({ email, password: 'not the password', csrf, redirectTo: '/staff' }),
      headers: { ...from(ip), Cookie: cookie },
    });
  }

  it('limits each account (2 tries) from any address, and each address (4 tries) across accounts', async () => {
    const ip = newIp();
    const account = `nobody-${ip}@example.com`;
    expect((await signIn(ip, account)).status).toBe(401);
    expect((await signIn(ip, account)).status).toBe(401);
    const byAccount = await signIn(ip, account);
    expect(byAccount.status).toBe(429);
    expectRetryAfter(byAccount, 600);
    expect(await byAccount.text()).toMatch(/Too many attempts\. Wait \d+ minutes/);
    // The account stays locked from another address…
    expect((await signIn(newIp(), account)).status).toBe(429);
    // …while another account from the first address still gets its answer, until the address's own limit.
    expect((await signIn(ip, `other-${ip}@example.com`)).status).toBe(401);
    const byAddress = await signIn(ip, `third-${ip}@example.com`);
    expect(byAddress.status).toBe(429);
    expectRetryAfter(byAddress, 600);
  });
});

describe('the JSON API', () => {
  const api = (ip: string, token?: string) =>
    fetch(`${server.url}/api/v1/tickets?limit=1`, { headers: { 'X-Forwarded-For': ip, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

  it('limits each token (3) and each address (6) with the API problem format', async () => {
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await api(ip, tokens.agent)).status).toBe(200);
    const refused = await api(ip, tokens.agent);
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Too many requests\. Retry after \d+ seconds\.$/) } });

    // The token is limited wherever it is used from…
    expect((await api(newIp(), tokens.agent)).status).toBe(429);
    // …another token from the same address is not, until the address has made 6 requests.
    expect((await api(ip, tokens.supervisor)).status).toBe(200);
    expect((await api(ip, tokens.supervisor)).status).toBe(200);
    const byAddress = await api(ip, tokens.supervisor);
    expect(byAddress.status).toBe(429);
    expect(((await byAddress.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('limits requests without a token per address too (401 until then)', async () => {
    const ip = newIp();
    for (let i = 0; i < 6; i++) expect((await api(ip)).status).toBe(401);
    expect((await api(ip)).status).toBe(429);
    expect((await api(newIp())).status).toBe(401);
  });
});

describe('webhooks', () => {
  it('never answer 429, however many requests one address sends', async () => {
    const ip = newIp();
    const phone = '+8613800138000';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await postSigned({
        baseUrl: server.url,
        publicUrl: PUBLIC_URL,
        authToken: TWILIO_AUTH_TOKEN,
        path: '/webhooks/twilio/sms',
        params: smsForm(ACCOUNT_SID, { from: phone, sid: sidOf('SM'), body: `Complaint number ${i}: the branch charged a fee twice.` }),
      });
      statuses.push(res.status);
      const status = await postSigned({
        baseUrl: server.url,
        publicUrl: PUBLIC_URL,
        authToken: TWILIO_AUTH_TOKEN,
        path: '/webhooks/twilio/status',
        params: { MessageSid: sidOf('SM'), MessageStatus: 'delivered', AccountSid: ACCOUNT_SID },
      });
      statuses.push(status.status);
      const mail = await fetch(`${server.url}/webhooks/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${EMAIL_TOKEN}`, 'X-Forwarded-For': ip },
        body: new Uint8Array(mailText({ id: `<limit-${i}@example.com>`, from: `client-${i}@example.com` })),
      });
      statuses.push(mail.status);
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses.filter((s) => s >= 400)).toEqual([]);
    expect(query(server.databasePath, "select id from messages where channel = 'sms'")).toHaveLength(10);
    expect(query(server.databasePath, "select id from messages where channel = 'email'")).toHaveLength(10);
  });
});
