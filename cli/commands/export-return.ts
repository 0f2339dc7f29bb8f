// redress export:return --half 2026H1 --regime fca|cn --out FILE: the half-year complaints
// return, in the FCA's shape or along China's reporting axes, as CSV (UTF-8 with BOM).
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { cnReturn, cnReturnCsv, fcaReturn, fcaReturnCsv, HALF_PATTERN, parseHalf } from '../../app/insight/returns.server';
import { parseFlags, type Command } from '../command';
import { openFromEnv } from '../context';

const schema = z.object({
  half: z.string({ error: 'is required (such as 2026H1)' }).regex(HALF_PATTERN, 'must be a year and half such as 2026H1 or 2026H2'),
  regime: z.enum(['fca', 'cn'], { error: 'must be fca or cn' }),
  out: z.string({ error: 'is required (the CSV file to write)' }).min(1, 'is required (the CSV file to write)'),
});

export const exportReturnCommand: Command = {
  name: 'export:return',
  summary: 'Write the half-year complaints return (FCA shape, or China’s channel × business type × cause) as CSV',
  usage: '--half YYYYH1|YYYYH2 --regime fca|cn --out FILE',
  async run(argv) {
    const { values } = parseFlags(argv, { half: { type: 'string' }, regime: { type: 'string' }, out: { type: 'string' } }, schema);
    const half = parseHalf(values.half)!;
    const { db } = openFromEnv();
    try {
      const csv = values.regime === 'fca' ? fcaReturnCsv(half, fcaReturn(db, half)) : cnReturnCsv(half, cnReturn(db, half));
      writeFileSync(values.out, csv);
      process.stdout.write(`Wrote the ${values.regime === 'fca' ? 'FCA' : 'China'} return for ${half.label} to ${values.out}.\n`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
