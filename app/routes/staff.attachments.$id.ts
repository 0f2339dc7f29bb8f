// Attachment download for staff: always as a download, never rendered by the browser.
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { findTicketById } from '../../db/store/tickets';
import { findAttachment } from '../../db/store/triage';
import { notFound, requireStaff } from '~/staff/guard.server';
import { canSeeTicket } from '~/staff/permissions';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.view' });
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const db = context.tickets.db;
  const attachment = findAttachment(db, id);
  const ticket = attachment ? findTicketById(db, attachment.ticketId) : undefined;
  if (!attachment || !ticket || !canSeeTicket(me, ticket) || attachment.state !== 'stored' || !attachment.storageKey) throw notFound();
  const path = join(context.tickets.attachmentDir, attachment.storageKey);
  if (!existsSync(path)) throw notFound();
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'Content-Type': attachment.contentType,
      'Content-Disposition': contentDisposition(attachment.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
      ...(attachment.size ? { 'Content-Length': String(attachment.size) } : {}),
    },
  });
}
