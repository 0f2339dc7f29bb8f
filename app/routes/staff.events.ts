// Server-sent events for the staff pages: "change" when tickets changed (the page revalidates
// its own data, so nothing here can leak what the viewer may not see beyond an id), and
// "presence" for the ticket the page has open, so staff see who else is on it.
import { randomUUID } from 'node:crypto';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { findTicketByReference } from '../../db/store/tickets';
import { requireStaff } from '~/staff/guard.server';
import { canSeeTicket } from '~/staff/permissions';

const HEARTBEAT_MS = 20_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.view' });
  const reference = new URL(request.url).searchParams.get('ticket');
  const ticket = reference ? findTicketByReference(context.tickets.db, reference.slice(0, 40)) : undefined;
  const watched = ticket && canSeeTicket(me, ticket) ? ticket.id : null;
  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (event: string, payload: unknown) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`));
        } catch {
          close();
        }
      };
      const close = () => {
        if (!open) return;
        open = false;
        for (const c of cleanups.splice(0)) c();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      controller.enqueue(encoder.encode(`retry: 2000\n: hello\n\n`));
      cleanups.push(
        context.live.subscribe((m) => {
          if (m.type === 'change') {
            if (m.ticketIds.length > 0) send('change', { ticketIds: m.ticketIds });
          } else if (watched !== null && m.ticketId === watched) {
            send('presence', { viewers: m.viewers.filter((v) => v.id !== me.id) });
          }
        }),
      );
      if (watched !== null) cleanups.push(context.live.join(watched, { id: me.id, name: me.name }, randomUUID()));
      const heartbeat = setInterval(() => send('ping', {}), HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      cleanups.push(context.live.onClose(close));
      request.signal.addEventListener('abort', close, { once: true });
    },
    cancel() {
      for (const c of cleanups.splice(0)) c();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
