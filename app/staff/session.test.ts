import { describe, expect, it } from 'vitest';
import { openDb, writeTransaction } from '../../db/client';
import { findSession, insertStaffUser } from '../../db/store/staff';
import { checkWrite } from './guard.server';
import { ABSOLUTE_MS, createSession, hashSessionToken, IDLE_MS, readSession, sessionCookie, sessionProblem } from './session.server';
import { setAccountDisabled } from './accounts.server';

const t0 = new Date('2026-05-01T08:00:00Z');

function setup() {
  const db = openDb({ url: ':memory:', sync: 'normal' });
  const user = writeTransaction(db, (tx) => insertStaffUser(tx, { email: 'A@Example.com', name: 'A', role: 'agent', passwordHash: 'x', now: t0 }));
  return { db, user };
}

const request = (token: string) => new Request('http://x/staff', { headers: { Cookie: `redress_staff=${token}` } });

describe('staff sessions', () => {
  it('stores only a hash and expires when idle or too old', () => {
    const { db, user } = setup();
    const { token } = createSession(db, { userId: user.id, ip: null, userAgent: null, now: t0 });
    expect(findSession(db, token)).toBeUndefined();
    const s = findSession(db, hashSessionToken(token))!;
    expect(sessionProblem(s, new Date(t0.getTime() + IDLE_MS - 1))).toBeNull();
    expect(sessionProblem(s, new Date(t0.getTime() + IDLE_MS))).toBe('idle');
    const active = { ...s, session: { ...s.session, lastSeenAt: new Date(t0.getTime() + ABSOLUTE_MS - 1000) } };
    expect(sessionProblem(active, new Date(t0.getTime() + ABSOLUTE_MS))).toBe('expired');
    expect(readSession(db, request(token), new Date(t0.getTime() + 60_000))?.user.email).toBe('a@example.com');
  });

  it('ends every session when the account is disabled', () => {
    const { db, user } = setup();
    const a = createSession(db, { userId: user.id, ip: null, userAgent: null, now: t0 });
    const b = createSession(db, { userId: user.id, ip: null, userAgent: null, now: t0 });
    setAccountDisabled(db, user.id, true, t0);
    setAccountDisabled(db, user.id, false, t0);
    expect(readSession(db, request(a.token), t0)).toBeNull();
    expect(readSession(db, request(b.token), t0)).toBeNull();
  });

  it('sets a Secure cookie only for https', () => {
    expect(sessionCookie('t', true)).toContain('; Secure');
    expect(sessionCookie('t', false)).not.toContain('Secure');
    expect(sessionCookie('t', false)).toContain('HttpOnly; SameSite=Lax');
  });

  it('refuses writes without the token or from another origin', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      new Request('http://x/staff', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body });
    await expect(checkWrite(post({}, 'csrf=good'), 'http://x', 'good')).resolves.toBeUndefined();
    await expect(checkWrite(post({}, 'csrf=bad'), 'http://x', 'good')).rejects.toHaveProperty('status', 403);
    await expect(checkWrite(post({}, 'a=b'), 'http://x', 'good')).rejects.toHaveProperty('status', 403);
    await expect(checkWrite(post({ Origin: 'https://evil.example' }, 'csrf=good'), 'http://x', 'good')).rejects.toHaveProperty('status', 403);
    await expect(checkWrite(post({ 'X-CSRF-Token': 'good' }, ''), 'http://x', 'good')).resolves.toBeUndefined();
  });
});
