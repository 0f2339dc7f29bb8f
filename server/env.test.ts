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
