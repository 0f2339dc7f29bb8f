// redress customers:import FILE.csv — loads customer risk profiles and holdings.
import { existsSync, writeFileSync } from 'node:fs';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { countDataLines, ImportFileError, importCustomersCsv, rejectedReport } from '../../app/escalation/customer-import.server';
import { CUSTOMER_COLUMNS } from '../../app/escalation/customer-csv';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

function progressBar(total: number): { update(done: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let lastPct = -1;
  return {
    update(done) {
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows`);
      } else if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
        // Not a terminal (a log file, CI): one line per 10 %.
        process.stderr.write(`${pct}% (${done}/${total} rows)\n`);
      }
      lastPct = tty ? pct : pct - (pct % 10);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

export const customersImport: Command = {
  name: 'customers:import',
  summary: 'Import customer risk profiles and holdings from a CSV file (idempotent on customer number)',
  usage: `FILE.csv [--rejected REPORT.csv]\n\nColumns (header row required): ${CUSTOMER_COLUMNS.join(',')}\nOne row per holding; a customer without holdings leaves the product columns blank.`,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { rejected: { type: 'string' } }, z.object({ rejected: z.string().min(1).optional() }));
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('give exactly one CSV file');
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    const { config, db } = openFromEnv();
    const total = countDataLines(file);
    const bar = progressBar(total);
    const started = process.hrtime.bigint();
    try {
      const s = await importCustomersCsv({ db, path: file, now: new Date(), region: config.DEFAULT_PHONE_REGION as CountryCode, onProgress: bar.update });
      bar.end();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stdout.write(
        `Imported ${s.imported} of ${s.rows} rows in ${seconds.toFixed(1)} s: ${s.customersCreated} new customers, ${s.holdings} holdings; ${s.rejected.length} rejected.\n`,
      );
      if (s.rejected.length > 0) {
        const report = values.rejected ?? `${file.replace(/\.csv$/i, '')}.rejected.csv`;
        writeFileSync(report, rejectedReport(s.rejected));
        for (const r of s.rejected.slice(0, 10)) process.stdout.write(`  line ${r.line} (${r.customerNumber || 'no customer number'}): ${r.reasons.join('; ')}\n`);
        if (s.rejected.length > 10) process.stdout.write(`  … and ${s.rejected.length - 10} more\n`);
        process.stdout.write(`Rejected rows with reasons: ${report}\n`);
        return 1;
      }
      return 0;
    } catch (error) {
      bar.end();
      if (error instanceof ImportFileError) throw new UsageError(error.message);
      throw error;
    } finally {
      db.$client.close();
    }
  },
};
