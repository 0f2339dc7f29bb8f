// Staff sign-in. Rate-limited per account and per address; the same answer for a wrong
// password, an unknown email and a disabled account; a new session id on every sign-in.
// The form carries a double-submit token (cookie + field), since there is no session yet.
import { randomBytes } from 'node:crypto';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { findStaffByEmail } from '../../db/store/staff';
import { requestLanguage, parseCookie } from '~/i18n/locale.server';
import { st } from '~/i18n/staff';
import { retryAfterSeconds, strictest } from '~/security/rate-limit';
import { retryAfterHeaders } from '~/security/retry-after';
import { DUMMY_HASH, verifyPassword } from '~/staff/password.server';
import { createSession, isSecureUrl, readSession, sessionCookie } from '~/staff/session.server';
import { readPortalForm } from '~/portal/form-data.server';

const LOGIN_CSRF_COOKIE = 'redress_login_csrf';

const schema = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(200),
  csrf: z.string().max(100),
  redirectTo: z
    .string()
    .regex(/^\/staff(\/[^\\]*)?(\?.*)?$/)
    .catch('/staff'),
});

function loginCsrfCookie(value: string, secure: boolean): string {
  return `${LOGIN_CSRF_COOKIE}=${value}; Path=/staff; HttpOnly; SameSite=Lax; Max-Age=3600${secure ? '; Secure' : ''}`;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (readSession(context.tickets.db, request, context.now())) throw redirect('/staff');
  const token = parseCookie(request.headers.get('Cookie'), LOGIN_CSRF_COOKIE) ?? randomBytes(24).toString('base64url');
  const url = new URL(request.url);
  return data(
    { lang: requestLanguage(request), csrf: token, redirectTo: url.searchParams.get('redirectTo') ?? '/staff' },
    { headers: { 'Set-Cookie': loginCsrfCookie(token, isSecureUrl(context.publicUrl)), 'Cache-Control': 'no-store' } },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const lang = requestLanguage(request);
  // The bounded reader: a broken body fails the schema (403 below) instead of throwing a 500.
  const parsed = schema.safeParse(Object.fromEntries((await readPortalForm(request)).formData));
  const cookieToken = parseCookie(request.headers.get('Cookie'), LOGIN_CSRF_COOKIE);
  if (!parsed.success || !cookieToken || parsed.data.csrf !== cookieToken) {
    return data({ error: st(lang, 'login.expired') }, { status: 403 });
  }
  const { email, password, redirectTo } = parsed.data;
  const now = context.now();
  // Checked here rather than before Remix: the account is in the body. RATE_LIMIT_LOGIN_IP and
  // RATE_LIMIT_LOGIN_ACCOUNT (5 per 15 min by default) set them.
  const verdict = strictest(
    context.rateLimiter.hit(`staff-login-ip:${context.clientIp}`, context.rateLimits.loginIp, now),
    context.rateLimiter.hit(`staff-login-account:${email}`, context.rateLimits.loginAccount, now),
  );
  if (!verdict.ok) {
    const seconds = retryAfterSeconds(verdict);
    return data(
      { error: st(lang, 'login.limited', { minutes: Math.max(1, Math.ceil(seconds / 60)) }) },
      { status: 429, headers: { 'Retry-After': String(seconds) } },
    );
  }
  const user = findStaffByEmail(context.tickets.db, email);
  // Verify against a dummy hash when there is no account, so timing does not tell.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabledAt) return data({ error: st(lang, 'login.failed') }, { status: 401 });
  const { token } = createSession(context.tickets.db, {
    userId: user.id,
    ip: context.clientIp,
    userAgent: request.headers.get('User-Agent'),
    now,
  });
  const secure = isSecureUrl(context.publicUrl);
  const headers = new Headers();
  headers.append('Set-Cookie', sessionCookie(token, secure));
  headers.append('Set-Cookie', `${LOGIN_CSRF_COOKIE}=; Path=/staff; HttpOnly; SameSite=Lax; Max-Age=0`);
  throw redirect(redirectTo, { headers });
}

export const headers = retryAfterHeaders;

export default function Login() {
  const { lang, csrf, redirectTo } = useLoaderData() as { lang: 'zh' | 'en'; csrf: string; redirectTo: string };
  const result = useActionData() as { error?: string } | undefined;
  const busy = useNavigation().state !== 'idle';
  return (
    <section className="panel" style={{ maxWidth: '26rem', margin: '0 auto' }}>
      <h1>{st(lang, 'login.title')}</h1>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <Form method="post">
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <div className="field">
          <label htmlFor="email">{st(lang, 'login.email')}</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
        </div>
        <div className="field">
          <label htmlFor="password">{st(lang, 'login.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {st(lang, 'login.submit')}
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: 'Redress — staff sign-in' }, { name: 'robots', content: 'noindex' }];
