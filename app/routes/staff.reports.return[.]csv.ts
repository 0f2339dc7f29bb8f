// GET /staff/reports/return.csv?half=2026H1&regime=fca|cn: the half-year complaints return the
// CLI's `export:return` writes, as a download (UTF-8 with a BOM).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { cnReturn, cnReturnCsv, fcaReturn, fcaReturnCsv, HALF_PATTERN, parseHalf } from '~/insight/returns.server';
import { requireStaff } from '~/staff/guard.server';

const schema = z.object({
  half: z.string().regex(HALF_PATTERN, 'must be a year and half such as 2026H1'),
  regime: z.enum(['fca', 'cn'], { error: 'must be fca or cn' }),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'reports.view' });
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return new Response(`${issue.path.join('.')}: ${issue.message}\n`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  const half = parseHalf(parsed.data.half)!;
  const db = context.tickets.db;
  const csv = parsed.data.regime === 'fca' ? fcaReturnCsv(half, fcaReturn(db, half)) : cnReturnCsv(half, cnReturn(db, half));
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="redress-return-${parsed.data.regime}-${half.label}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
