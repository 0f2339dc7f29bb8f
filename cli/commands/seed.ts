// seed: the demo (staff accounts and ~60 tickets through the ticket model) and/or N bulk
// tickets (up to a million, batched transactions, a progress bar on a terminal).
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { bulkTicket, creationTimes, type BulkPlan } from '../../app/demo/bulk-data';
import { seededRandom } from '../../db/seed-random';
import { seedDemo } from '../../app/demo/demo.server';
import type { TicketContext } from '../../app/tickets/context';
import { createTicketHooks } from '../../app/tickets/hooks.server';
import { formatReference } from '../../app/tickets/reference';
import type { Db } from '../../db/client';
import { createBulkWriter } from '../../db/store/bulk-tickets';
import { hasAnyStaff, listStaff } from '../../db/store/staff';
import { hasAnyTicket } from '../../db/store/ticket-list';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

export const MAX_BULK = 1_000_000;
const BATCH = 5_000;

const flags = z.object({
  demo: z.boolean().default(false),
  'if-empty': z.boolean().default(false),
  tickets: z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_BULK}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `must be from 1 to ${MAX_BULK}`).max(MAX_BULK, `must be at most ${MAX_BULK}`))
    .optional(),
});

function progressBar(total: number): { update(done: number): void; end(): void } {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastDraw = 0;
  const draw = (done: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} tickets, ${rate}/s `);
  };
  return {
    update(done) {
      if (!tty) return;
      const t = Date.now();
      if (t - lastDraw > 100 || done === total) {
        lastDraw = t;
        draw(done);
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

export function seedBulk(db: Db, count: number, now: Date, onProgress: (done: number) => void = () => {}): { first: string; last: string } {
  const plan: BulkPlan = {
    count,
    now,
    runTag: randomBytes(3).toString('hex'),
    phoneBase: randomInt(0, 90_000_000),
    staffIds: listStaff(db).filter((s) => !s.disabledAt && s.role !== 'admin').map((s) => s.id),
    seed: randomInt(1, 2 ** 31),
  };
  const times = creationTimes(plan);
  const rnd = seededRandom(plan.seed! + 1);
  const writer = createBulkWriter(db, formatReference);
  let first = '';
  let last = '';
  for (let start = 0; start < count; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) batch.push(bulkTicket(plan, i, times[i]!, rnd));
    const refs = writer.write(batch);
    first ||= refs[0]!;
    last = refs.at(-1)!;
    onProgress(start + batch.length);
  }
  return { first, last };
}

export const seed: Command = {
  name: 'seed',
  summary: `Seed the demo (staff accounts, ~60 tickets) and/or N generated tickets (up to ${MAX_BULK}).`,
  usage: '[--demo] [--tickets N] [--if-empty]\n\n  --demo       staff accounts of each role (password printed) and ~60 tickets through the ticket model\n  --tickets N  N generated tickets over the last year, written in batches\n  --if-empty   do nothing when the database already has staff or tickets (npm start uses this)\n  With no flags, seeds the demo.',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { demo: { type: 'boolean' }, tickets: { type: 'string' }, 'if-empty': { type: 'boolean' } },
      flags,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const demo = values.demo || values.tickets === undefined;
    const { config, db } = openFromEnv();
    try {
      const empty = !hasAnyStaff(db) && !hasAnyTicket(db);
      if (values['if-empty'] && !empty) {
        process.stdout.write('The database already has data; no demo seeded.\n');
        return 0;
      }
      if (demo && hasAnyStaff(db)) throw new UsageError('the database already has staff accounts; the demo goes into an empty database');
      const now = new Date();
      if (demo) {
        // The server's hooks, so demo tickets carry SLA timers, the rules' flags and levels, and roll-ups.
        const ctx: TicketContext = { db, publicUrl: config.publicUrl, attachmentDir: config.attachmentDir, hooks: [] };
        ctx.hooks.push(...createTicketHooks(ctx, { now }));
        const result = await seedDemo(ctx, { now });
        process.stdout.write(
          [
            `Seeded the demo: ${result.tickets} tickets and ${result.staff.length} staff accounts.`,
            ...result.staff.map((s) => `  ${s.role.padEnd(10)} ${s.email}`),
            `Demo staff login: ${result.staff[0]!.email}  password: ${result.password}  (the same password for every demo account; shown only now)`,
            '',
          ].join('\n'),
        );
      }
      if (values.tickets !== undefined) {
        const bar = progressBar(values.tickets);
        const started = Date.now();
        const { first, last } = seedBulk(db, values.tickets, now, (done) => bar.update(done));
        bar.end();
        const secs = (Date.now() - started) / 1000;
        process.stdout.write(`Seeded ${values.tickets} tickets (${first} … ${last}) in ${secs.toFixed(1)} s.\n`);
      }
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
