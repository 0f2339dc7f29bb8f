// requireStaff(): the first line of every staff loader and action. It finds the session,
// refuses cross-site and token-less writes (403), sends the signed-out to the sign-in page,
// and answers 404 when the role lacks the permission, so a role learns nothing of pages it
// may not use.
import { timingSafeEqual } from 'node:crypto';
import { redirect, type AppLoadContext } from '@remix-run/node';
import type { Language, StaffRole } from '../../db/constants';
import { can, type Permission } from './permissions';
import { readSession } from './session.server';

export interface StaffPrincipal {
  id: number;
  name: string;
  email: string;
  role: StaffRole;
  teamId: number | null;
  language: Language;
  sessionId: number;
  csrfToken: string;
}

export const CSRF_FIELD = 'csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function forbidden(message = 'Forbidden'): Response {
  return new Response(message, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A write must come from our own pages: same origin when the browser says, and the session's token. */
export async function checkWrite(request: Request, publicUrl: string, expected: string): Promise<void> {
  const origin = request.headers.get('Origin');
  if (origin && origin !== 'null') {
    const allowed = new Set([new URL(publicUrl).origin, new URL(request.url).origin]);
    if (!allowed.has(origin)) throw forbidden('Cross-site request refused');
  }
  let token = request.headers.get(CSRF_HEADER);
  if (!token) {
    const type = request.headers.get('Content-Type') ?? '';
    if (type.includes('form')) {
      const form = await request.clone().formData().catch(() => null);
      const value = form?.get(CSRF_FIELD);
      token = typeof value === 'string' ? value : null;
    }
  }
  if (!token || !sameToken(token, expected)) throw forbidden('The form has expired or did not come from this site. Reload the page and try again.');
}

export function isWrite(request: Request): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD';
}

export async function requireStaff(
  request: Request,
  context: AppLoadContext,
  opts: { permission?: Permission } = {},
): Promise<StaffPrincipal> {
  const found = readSession(context.tickets.db, request, context.now());
  if (!found) {
    if (isWrite(request)) throw forbidden('Your session has ended. Sign in again.');
    const url = new URL(request.url);
    throw redirect(`/staff/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (isWrite(request)) await checkWrite(request, context.publicUrl, found.session.csrfToken);
  const { user, session } = found;
  if (opts.permission && !can(user.role, opts.permission)) throw notFound();
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    teamId: user.teamId,
    language: user.language,
    sessionId: session.id,
    csrfToken: session.csrfToken,
  };
}
