import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

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
