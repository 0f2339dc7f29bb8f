// Server-side staff sessions. The cookie holds 256 random bits; the database keeps only their
// SHA-256, with an idle and an absolute expiry. Signing in always makes a new session (no
// fixation); signing out, disabling the account or a role change revokes it.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/client';
import { writeTransaction } from '../../db/client';
import { findSession, insertSession, revokeSession, touchSession, type StaffSessionRow, type StaffUserRow } from '../../db/store/staff';
import { parseCookie } from '../i18n/locale.server';

export const SESSION_COOKIE = 'redress_staff';
export const IDLE_MS = 2 * 60 * 60 * 1000;
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reading a page is not a write each time. */
const TOUCH_EVERY_MS = 60 * 1000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isSecureUrl(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ABSOLUTE_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function createSession(
  db: Db,
  input: { userId: number; ip: string | null; userAgent: string | null; now: Date },
): { token: string; csrfToken: string } {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  writeTransaction(db, (tx) =>
    insertSession(tx, {
      tokenHash: hashSessionToken(token),
      userId: input.userId,
      csrfToken,
      expiresAt: new Date(input.now.getTime() + ABSOLUTE_MS),
      ip: input.ip,
      userAgent: input.userAgent,
      now: input.now,
    }),
  );
  return { token, csrfToken };
}

export interface LiveSession {
  session: StaffSessionRow;
  user: StaffUserRow;
}

/** Why a session is no longer good, or null when it is. Pure, so expiry is unit-tested. */
export function sessionProblem(s: LiveSession, now: Date): 'revoked' | 'expired' | 'idle' | 'disabled' | null {
  if (s.session.revokedAt) return 'revoked';
  if (s.user.disabledAt) return 'disabled';
  if (now.getTime() >= s.session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - s.session.lastSeenAt.getTime() >= IDLE_MS) return 'idle';
  return null;
}

export function readSession(db: Db, request: Request, now: Date): LiveSession | null {
  const token = parseCookie(request.headers.get('Cookie'), SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  const found = findSession(db, hashSessionToken(token));
  if (!found || sessionProblem(found, now)) return null;
  if (now.getTime() - found.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) touchSession(db, found.session.id, now);
  return found;
}

export function endSession(db: Db, sessionId: number, now: Date): void {
  revokeSession(db, sessionId, now);
}
