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
