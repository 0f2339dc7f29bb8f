// GET /metrics and GET /healthz?details=1 through the built server: the figures after a few
// intakes on three channels compared with the database, route labels that never carry a path
// (tracking tokens are secrets), the sweep lag and SLA counters, and who may read them (a bearer
// METRICS_TOKEN; without one, clients on this machine only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/dovecot';
import { eventually, exec, mailText, query } from '../support/email';
import { sidOf } from '../support/fake-twilio';
import { startServer, type TestServer } from '../support/server';
import { postSigned, smsForm } from '../support/twilio-webhook';
import { multipart, post, send, submissionIdOf, tokenOf, validComplaint } from '../portal/portal-client';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const PUBLIC_URL = 'https://complaints.example.com';
const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-metrics-tests';
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const EMAIL_TOKEN = 'email-webhook-token-0123456789';

let guarded: TestServer;
let open: TestServer;
let guardedEnv: Record<string, string>;

beforeAll(async () => {
  const [smtpPort, closedPort] = await Promise.all([freePort(), freePort()]);
  guardedEnv = {
    METRICS_TOKEN,
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN,
    INBOUND_EMAIL_TOKEN: EMAIL_TOKEN,
    SMTP_PORT: String(smtpPort),
    // Nothing listens there: the poller keeps backing off, which /healthz must say.
    IMAP_URL: `imap://user:pass@127.0.0.1:${closedPort}/INBOX`,
    // One sweep at start only, so a timer made overdue by the test stays overdue until a restart.
    SLA_SWEEP_MS: '3600000',
  };
  [guarded, open] = await Promise.all([
    startServer(guardedEnv, undefined, { timeoutMs: 120_000 }),
    startServer({}, undefined, { timeoutMs: 120_000 }),
  ]);
});
afterAll(async () => {
  await Promise.all([guarded?.stop(), open?.stop()]);
});

const bearer = { Authorization: `Bearer ${METRICS_TOKEN}` };

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(server: TestServer): Promise<{ text: string; values: Map<string, number> }> {
  const res = await fetch(`${server.url}/metrics`, { headers: bearer });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*\bversion=0\.0\.4/);
  const text = await res.text();
  return { text, values: samples(text) };
}

async function details(server: TestServer): Promise<{ ok: boolean; details: Record<string, any> }> {
  const res = await fetch(`${server.url}/healthz?details=1`, { headers: bearer });
  expect(res.status).toBe(200);
  return (await res.json()) as { ok: boolean; details: Record<string, any> };
}

const queuedIn = (server: TestServer, channel: string) =>
  query<{ n: number }>(server.databasePath, "select count(*) as n from outbox where status in ('queued', 'sending') and channel = ?", channel)[0]!.n;

describe('who may read /metrics and /healthz?details=1', () => {
  it('with METRICS_TOKEN set: 401 without it or with a wrong one; plain /healthz stays open and cheap', async () => {
    for (const path of ['/metrics', '/healthz?details=1']) {
      const none = await fetch(`${guarded.url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${guarded.url}${path}`, { headers: { Authorization: 'Bearer metrics-token-wrong-000000000' } })).status).toBe(401);
    }
    const health = await fetch(`${guarded.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('without METRICS_TOKEN: answered to a client on this machine, 404 to anything a proxy forwarded', async () => {
    const local = await fetch(`${open.url}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('redress_http_requests_total');
    expect((await fetch(`${open.url}/healthz?details=1`)).status).toBe(200);

    const proxied: Record<string, string>[] = [{ 'X-Forwarded-For': '203.0.113.9' }, { Forwarded: 'for=203.0.113.9' }];
    for (const forwarded of proxied) {
      expect((await fetch(`${open.url}/metrics`, { headers: forwarded })).status).toBe(404);
      expect((await fetch(`${open.url}/healthz?details=1`, { headers: forwarded })).status).toBe(404);
      expect((await fetch(`${open.url}/healthz`, { headers: forwarded })).status).toBe(200);
    }
  });
});

describe('the figures after a few intakes', () => {
  let trackingToken: string;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post(guarded, '/complaint', multipart(validComplaint(await submissionIdOf(guarded, '/complaint'), { email: `metrics-${i}@example.com` })));
      expect(res.status).toBe(302);
      trackingToken = tokenOf(res);
    }
    expect((await send(guarded, `/track/${trackingToken}`)).status).toBe(200);
    expect((await send(guarded, '/no/such/page')).status).toBe(404);
    const sms = await postSigned({
      baseUrl: guarded.url,
      publicUrl: PUBLIC_URL,
      authToken: TWILIO_AUTH_TOKEN,
      path: '/webhooks/twilio/sms',
      params: smsForm(ACCOUNT_SID, { from: '+8613900139000', sid: sidOf('SM'), body: 'My card was charged twice at the airport.' }),
    });
    expect(sms.status).toBe(200);
    const mail = await fetch(`${guarded.url}/webhooks/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${EMAIL_TOKEN}` },
      body: new Uint8Array(mailText({ id: '<metrics-1@example.com>', from: 'wang.fang@example.com' })),
    });
    expect(mail.status).toBe(200);
    // Email acknowledgements go out (as .eml files); the SMS one waits, as no Twilio sender is set.
    await eventually(() => queuedIn(guarded, 'email') === 0, 'the email acknowledgements to be sent');
  });

  it('counts intakes by channel and requests by route and status, never by path', async () => {
    const { text, values } = await scrape(guarded);
    expect(values.get('redress_intakes_total{channel="web"}')).toBe(2);
    expect(values.get('redress_intakes_total{channel="sms"}')).toBe(1);
    expect(values.get('redress_intakes_total{channel="email"}')).toBe(1);
    expect(values.get('redress_intakes_total{channel="phone"}')).toBe(0);

    expect(values.get('redress_http_requests_total{route="routes/complaint",method="POST",status="302"}')).toBe(2);
    expect(values.get('redress_http_requests_total{route="routes/complaint",method="GET",status="200"}')).toBe(2);
    expect(values.get('redress_http_requests_total{route="routes/track.$token",method="GET",status="200"}')).toBe(1);
    expect(values.get('redress_http_requests_total{route="/webhooks/twilio/sms",method="POST",status="200"}')).toBe(1);
    expect(values.get('redress_http_requests_total{route="/webhooks/email",method="POST",status="200"}')).toBe(1);
    expect(values.get('redress_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);

    expect(text).not.toContain(trackingToken);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!));
    for (const route of routes) expect(route).toMatch(/^(routes\/[\w.$[\]_-]+|root|\/healthz|\/metrics|\/webhooks\/[\w/]+|static|unmatched)$/);
  });

  it('reports the outbox backlog by channel as the database holds it, and the quarantine', async () => {
    const { values } = await scrape(guarded);
    expect(queuedIn(guarded, 'sms')).toBe(1);
    expect(values.get('redress_outbox_depth{channel="sms"}')).toBe(1);
    expect(values.get('redress_outbox_depth{channel="email"}')).toBe(0);
    const age = values.get('redress_outbox_oldest_age_seconds{channel="sms"}')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(values.get('redress_outbox_oldest_age_seconds{channel="email"}')).toBe(0);
    expect(values.get('redress_email_quarantined')).toBe(0);
  });

  it('/healthz?details=1 reports the database, outbox, sweep, SMTP listener and IMAP poller', async () => {
    const report = await eventually(async () => {
      const r = await details(guarded);
      return r.details.imap === 'backing-off' && r;
    }, 'the IMAP poller to report backing off');
    expect(report.ok).toBe(true);
    expect(report.details.database).toEqual({ ok: true });
    expect(report.details.outbox).toMatchObject({ depth: 1, channels: { sms: { depth: 1 } } });
    expect(report.details.outbox.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(report.details.sweep.lastRunAt)).not.toBeNaN();
    expect(report.details.sweep).toMatchObject({ lagSeconds: 0, lastError: null });
    expect(report.details.smtp).toBe('listening');
    expect(report.details.emailQuarantined).toBe(0);

    const plain = (await (await fetch(`${open.url}/healthz?details=1`)).json()) as { details: Record<string, unknown> };
    expect(plain.details).toMatchObject({ smtp: 'off', imap: 'off' });
  });

  it('shows sweep lag from the earliest overdue timer, and counts the breach the next sweep fires', async () => {
    const before = await scrape(guarded);
    expect(before.values.get('redress_sla_sweep_lag_seconds')).toBe(0);
    expect(before.values.get('redress_sla_breaches_total')).toBe(0);

    // Make one running calendar-clock timer due two minutes ago, as if it had started its whole
    // budget earlier (the sweep runs hourly here, so it stays overdue until the restart).
    const overdue = Date.now() - 120_000;
    exec(
      guarded.databasePath,
      `update sla_timers set started_at = ${overdue} - budget_ms, next_action_at = ${overdue}, due_at = ${overdue}
       where id = (select min(id) from sla_timers where state = 'running' and clock = 'calendar')`,
    );
    const lagged = await scrape(guarded);
    const lag = lagged.values.get('redress_sla_sweep_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(120);
    expect(lag).toBeLessThan(600);
    expect((await details(guarded)).details.sweep.lagSeconds).toBeGreaterThanOrEqual(120);

    // A restart sweeps at once: the breach fires, is counted, and the lag is gone.
    await guarded.stop();
    guarded = await startServer(guardedEnv, guarded.dir, { timeoutMs: 120_000 });
    const after = await eventually(async () => {
      const scraped = await scrape(guarded);
      return scraped.values.get('redress_sla_breaches_total')! >= 1 && scraped;
    }, 'the breach to be counted');
    expect(after.values.get('redress_sla_sweep_lag_seconds')).toBeLessThan(120);
    expect(query(guarded.databasePath, "select id from events where type = 'sla.breached'").length).toBeGreaterThanOrEqual(1);
  });
});
