// redress insight:scan [--at DATE]: runs the complaint early warning for the 7 days before DATE.
import { z } from 'zod';
import { scanEarlyWarning } from '../../app/insight/scan.server';
import { parseFlags, type Command } from '../command';
import { openFromEnv } from '../context';

const schema = z.object({
  at: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), 'must be a date such as 2026-04-05 or an ISO-8601 time')
    .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v))
    .optional(),
});

export const insightScan: Command = {
  name: 'insight:scan',
  summary: 'Run the complaint early warning (the 7 days before --at, default today, against the 8 weeks before)',
  usage: '[--at DATE]',
  async run(argv) {
    const { values } = parseFlags(argv, { at: { type: 'string' } }, schema);
    const { config, db } = openFromEnv();
    try {
      const result = scanEarlyWarning(db, { at: values.at ?? new Date(), publicUrl: config.publicUrl });
      const w = result.window;
      for (const a of result.raised) {
        const f = a.facts;
        const what = f.kind === 'spike' ? `${f.dimension} ${f.value}: ${f.observed} complaints, expected ${f.expected!.toFixed(1)}, p=${f.pValue!.toPrecision(3)}` : `product ${f.value}: ${f.customers} customers flagged ${f.flag}`;
        process.stdout.write(`alert ${a.key}  ${what}  (${f.references.length} tickets, ${a.notified} notified)\n`);
      }
      process.stdout.write(
        `Scanned ${w.windowFrom} to the end of ${new Date(Date.parse(`${w.windowTo}T00:00:00Z`) - 1).toISOString().slice(0, 10)} (${w.period}): ${result.raised.length} raised, ${result.alreadyRaised} already raised this period.\n`,
      );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
