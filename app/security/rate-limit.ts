// In-process sliding-window rate limits (one server process per database, so memory is the
// right place). Time is passed in.
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitVerdict {
  ok: boolean;
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly maxKeys = 100_000) {}

  /** Records a hit for `key` and says whether it is within `rule`. */
  hit(key: string, rule: RateLimitRule, now: Date): RateLimitVerdict {
    const t = now.getTime();
    const since = t - rule.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((x) => x > since);
    if (recent.length >= rule.limit) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: recent[0]! + rule.windowMs - t };
    }
    recent.push(t);
    this.hits.delete(key);
    this.hits.set(key, recent);
    // Forget the oldest keys rather than grow without bound under a flood of addresses.
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true, retryAfterMs: 0 };
  }
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Reads "N/WINDOW" (`20/10m`, `600/1m`, `5/30s`, `100/1h`; a bare unit means one of it) as a
 * rule, or says what is wrong in words fit for a configuration error.
 */
export function parseRateLimit(spec: string): RateLimitRule | string {
  const m = /^\s*(\d{1,7})\s*\/\s*(\d{0,6})\s*([smh])\s*$/.exec(spec);
  if (!m) return 'must be N/WINDOW such as 20/10m (units s, m, h)';
  const limit = Number(m[1]);
  const windowMs = Number(m[2] || '1') * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  if (limit < 1) return 'must allow at least 1 request';
  if (windowMs < 1000) return 'must have a window of at least 1s';
  return { limit, windowMs };
}

/** Whole seconds for a Retry-After header: never 0, so a client never retries at once into the wall. */
export function retryAfterSeconds(verdict: RateLimitVerdict): number {
  return Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
}

/** Of several verdicts on one request, the refusal that lasts longest (or the first ok one). */
export function strictest(...verdicts: RateLimitVerdict[]): RateLimitVerdict {
  const refused = verdicts.filter((v) => !v.ok);
  if (refused.length === 0) return verdicts[0] ?? { ok: true, retryAfterMs: 0 };
  return refused.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a));
}
