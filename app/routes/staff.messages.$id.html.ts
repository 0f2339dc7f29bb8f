// An email's HTML body for the workspace's iframe. The HTML was sanitized when it was stored;
// this page adds a second wall: a CSP that forbids every script and, until staff ask, every
// remote image, and the sandbox directive, so even a sanitizer miss cannot run or phone home.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { findTicketById } from '../../db/store/tickets';
import { findMessage } from '../../db/store/triage';
import { notFound, requireStaff } from '~/staff/guard.server';
import { canSeeTicket } from '~/staff/permissions';

export function emailFramePolicy(remoteImages: boolean): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data: cid:${remoteImages ? ' https: http:' : ''}`,
    "font-src 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    'sandbox',
  ].join('; ');
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.view' });
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const db = context.tickets.db;
  const message = findMessage(db, id);
  const ticket = message ? findTicketById(db, message.ticketId) : undefined;
  if (!message?.html || !ticket || !canSeeTicket(me, ticket)) throw notFound();
  const images = new URL(request.url).searchParams.get('images') === '1';
  const page = `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank"><style>body{font-family:system-ui,sans-serif;margin:.5rem;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${message.html}</body></html>`;
  return new Response(page, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': emailFramePolicy(images),
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'SAMEORIGIN',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'private, no-store',
    },
  });
}
