// Signing out revokes the session on the server, not only the cookie.
import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/guard.server';
import { clearSessionCookie, endSession, isSecureUrl } from '~/staff/session.server';

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context);
  endSession(context.tickets.db, me.sessionId, context.now());
  return redirect('/staff/login', { headers: { 'Set-Cookie': clearSessionCookie(isSecureUrl(context.publicUrl)) } });
}

export async function loader() {
  return redirect('/staff');
}
