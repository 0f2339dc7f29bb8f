// redress export:tickets --from DAY --to DAY --out FILE: the regulator's CSV of the tickets
// opened from the first day to the last (both included, UTC), streamed to FILE.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { z } from 'zod';
import { addDays } from '../../app/insight/early-warning';
import { countExport, DEFAULT_LIMIT_DAYS, exportTickets } from '../../app/insight/ticket-export.server';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';
import { progressBar } from '../progress';

const day = z
  .string({ error: 'is required (a date such as 2026-01-31)' })
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'must be a date such as 2026-01-31');

const schema = z.object({
  from: day,
  to: day,
  out: z.string({ error: 'is required (the CSV file to write)' }).min(1, 'is required (the CSV file to write)'),
  'limit-days': z.coerce.number().int().positive('must be a whole number of days').default(DEFAULT_LIMIT_DAYS),
});

export const exportTicketsCommand: Command = {
  name: 'export:tickets',
  summary: 'Write the CSV of tickets opened in a period (UTF-8 with BOM), with the fields a regulator asks for',
  usage: `--from DAY --to DAY --out FILE [--limit-days N (default ${DEFAULT_LIMIT_DAYS})]   (DAY: YYYY-MM-DD, both included)`,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'limit-days': { type: 'string' } },
      schema,
    );
    if (values.to < values.from) throw new UsageError('--to must not be before --from');
    const from = new Date(`${values.from}T00:00:00Z`);
    const to = new Date(`${addDays(values.to, 1)}T00:00:00Z`);
    const { db } = openFromEnv();
    // Written beside the target and renamed at the end, so a failed export never leaves a
    // file that looks complete.
    const partial = `${values.out}.part`;
    try {
      const progress = progressBar(countExport(db, { from, to }));
      const out = createWriteStream(partial);
      const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
      failed.catch(() => {});
      const { rows } = await Promise.race([
        exportTickets(db, { from, to, out, now: new Date(), limitDays: values['limit-days'], onProgress: progress.update }),
        failed,
      ]);
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
      progress.finish();
      renameSync(partial, values.out);
      process.stdout.write(`Wrote ${rows} tickets opened ${values.from} to ${values.to} to ${values.out}.\n`);
      return 0;
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    } finally {
      db.$client.close();
    }
  },
};
