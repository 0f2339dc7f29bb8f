// Which public edge a request is at, and the rate-limit keys it is counted under. Decided from
// the method and path alone, before the body is read, so a flood of 50 MB form posts is turned
// away without parsing one. Webhooks (Twilio, email) are never an edge here: a provider that
// meets a 429 retries, falls back or drops, and a message from a client could be lost.
import { createHash } from 'node:crypto';
import type { RateLimitRule } from './rate-limit';

export interface RateLimits {
  /** POST of the public complaint and feedback forms, per IP. */
  form: RateLimitRule;
  /** Tracking pages and links (/track/…), per IP: guessing tokens must be slow. */
  track: RateLimitRule;
  /** /api/v1, per bearer token. */
  api: RateLimitRule;
  /** /api/v1, per IP (whatever token, or none). */
  apiIp: RateLimitRule;
  /** Staff sign-in attempts, per IP and per account. */
  loginIp: RateLimitRule;
  loginAccount: RateLimitRule;
}

export type Edge = 'form' | 'track' | 'api';

export interface EdgeHit {
  edge: Edge;
  /** Each key with the rule it is counted against; the request is refused when any is over. */
  keys: { key: string; rule: RateLimitRule }[];
}

const FORM_PATHS = new Set(['/complaint', '/feedback']);

export function edgeOf(
  limits: RateLimits,
  req: { method: string; path: string; ip: string; authorization: string | undefined },
): EdgeHit | undefined {
  if (req.method === 'POST' && FORM_PATHS.has(req.path.replace(/\/$/, ''))) {
    return { edge: 'form', keys: [{ key: `form:${req.ip}`, rule: limits.form }] };
  }
  if (req.path.startsWith('/track/')) {
    return { edge: 'track', keys: [{ key: `track:${req.ip}`, rule: limits.track }] };
  }
  if (req.path === '/api/v1' || req.path.startsWith('/api/v1/')) {
    const keys = [{ key: `api-ip:${req.ip}`, rule: limits.apiIp }];
    const token = /^Bearer\s+(\S{1,400})\s*$/i.exec(req.authorization ?? '')?.[1];
    // Keyed by a hash, so the limiter's memory never holds a usable token.
    if (token) keys.push({ key: `api-token:${createHash('sha256').update(token).digest('base64url')}`, rule: limits.api });
    return { edge: 'api', keys };
  }
  return undefined;
}
