// Tracking-link tokens: 256 random bits, shown only in the client's link; the database keeps
// their SHA-256, so a copy of the database opens no tracking page.
import { createHash, randomBytes } from 'node:crypto';

export function newTrackingToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function trackingUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/track/${token}`;
}

/** The token of a reply+<token>@ address: a prefix of the tracking token's hash, never the token itself. */
export function replyTokenOf(tokenHash: string): string {
  return tokenHash.slice(0, 32);
}
