// GET /staff/reports/tickets.csv?from=YYYY-MM-DD&to=YYYY-MM-DD: the regulator's CSV of the
// tickets opened in the period (the fields of `export:tickets`), streamed page by page as the
// client reads it, so a million rows never sit in memory. UTF-8 with a BOM for Excel.
import { PassThrough, Readable } from 'node:stream';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { exportTickets } from '~/insight/ticket-export.server';
import { parseReportParams, periodInstants } from '~/insight/report-params';
import { requireStaff } from '~/staff/guard.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'reports.view' });
  const now = context.now();
  const parsed = parseReportParams(new URL(request.url).searchParams, now);
  if (!parsed.ok) return new Response(`${parsed.message}\n`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const { from, to } = periodInstants(parsed.params);
  const out = new PassThrough();
  // Not awaited: the export writes with backpressure while the response streams; a failure
  // (a closed connection included) ends the stream instead of leaving the client waiting.
  exportTickets(context.tickets.db, { from, to, out, now }).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  const name = `redress-tickets-${parsed.params.from}-to-${parsed.params.to}.csv`;
  return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    },
  });
}
