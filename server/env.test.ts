import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('parseEnv', () => {
  it('has a default for everything', () => {
    const c = parseEnv({});
    expect(c.PORT).toBe(3000);
    expect(c.databasePath).toBe('data/redress.sqlite');
    expect(c.outboxDir).toBe('data/outbox');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.SMTP_PORT).toBe(2525);
  });

  it('names the variable in one line when a value is bad', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT /);
    expect(() => parseEnv({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL must be a URL/);
    expect(() => parseEnv({ SMTP_URL: 'http://x' })).toThrow(/SMTP_URL/);
    expect(() => parseEnv({ DEFAULT_PHONE_REGION: 'china' })).toThrow(/DEFAULT_PHONE_REGION/);
  });
});

describe('rate limits and the metrics token', () => {
  it('reads RATE_LIMIT_* as N/WINDOW and names a bad one', () => {
    const c = parseEnv({ RATE_LIMIT_FORM: '3/10m', RATE_LIMIT_API: '100/1m' });
    expect(c.rateLimits.form).toEqual({ limit: 3, windowMs: 600_000 });
    expect(c.rateLimits.api).toEqual({ limit: 100, windowMs: 60_000 });
    expect(c.rateLimits.loginAccount).toEqual({ limit: 5, windowMs: 900_000 });
    expect(() => parseEnv({ RATE_LIMIT_TRACK: 'many' })).toThrow(/^Invalid configuration: RATE_LIMIT_TRACK must be N\/WINDOW/);
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });
});
