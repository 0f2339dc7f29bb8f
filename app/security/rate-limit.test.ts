import { describe, expect, it } from 'vitest';
import { edgeOf } from './edges';
import { parseRateLimit, RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows up to the limit per window, then says when to retry', () => {
    const rl = new RateLimiter();
    const rule = { limit: 2, windowMs: 60_000 };
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(rl.hit('ip', rule, t0).ok).toBe(true);
    expect(rl.hit('ip', rule, new Date(t0.getTime() + 1000)).ok).toBe(true);
    const refused = rl.hit('ip', rule, new Date(t0.getTime() + 2000));
    expect(refused).toEqual({ ok: false, retryAfterMs: 58_000 });
    expect(rl.hit('other', rule, t0).ok).toBe(true);
    expect(rl.hit('ip', rule, new Date(t0.getTime() + 60_001)).ok).toBe(true);
  });
});

describe('parseRateLimit', () => {
  it('reads N/WINDOW with s, m or h, and a bare unit as one of it', () => {
    expect(parseRateLimit('20/10m')).toEqual({ limit: 20, windowMs: 600_000 });
    expect(parseRateLimit('5/30s')).toEqual({ limit: 5, windowMs: 30_000 });
    expect(parseRateLimit('100/h')).toEqual({ limit: 100, windowMs: 3_600_000 });
  });

  it('says what is wrong with anything else', () => {
    expect(parseRateLimit('lots')).toMatch(/N\/WINDOW/);
    expect(parseRateLimit('20/10d')).toMatch(/N\/WINDOW/);
    expect(parseRateLimit('0/1m')).toMatch(/at least 1 request/);
    expect(parseRateLimit('5/0s')).toMatch(/at least 1s/);
  });
});

describe('edgeOf', () => {
  const rule = { limit: 1, windowMs: 1000 };
  const limits = { form: rule, track: rule, api: rule, apiIp: rule, loginIp: rule, loginAccount: rule };
  const at = (method: string, path: string, authorization?: string) => edgeOf(limits, { method, path, ip: '192.0.2.1', authorization });

  it('limits form posts, tracking links and the API, keyed by address (and token for the API)', () => {
    expect(at('POST', '/complaint')?.edge).toBe('form');
    expect(at('POST', '/feedback/')?.edge).toBe('form');
    expect(at('GET', '/track/abc')?.keys.map((k) => k.key)).toEqual(['track:192.0.2.1']);
    const api = at('GET', '/api/v1/tickets', 'Bearer rdr_secret')!;
    expect(api.keys.map((k) => k.key)[0]).toBe('api-ip:192.0.2.1');
    expect(api.keys[1]!.key).toMatch(/^api-token:[\w-]{43}$/);
    expect(api.keys[1]!.key).not.toContain('rdr_secret');
  });

  it('leaves webhooks, staff pages and reading the forms alone', () => {
    for (const [method, path] of [
      ['POST', '/webhooks/twilio/sms'],
      ['POST', '/webhooks/twilio/status'],
      ['POST', '/webhooks/email'],
      ['GET', '/complaint'],
      ['POST', '/staff/login'],
      ['GET', '/healthz'],
    ] as const) {
      expect(at(method, path)).toBeUndefined();
    }
  });
});
