// `redress sla:tick [--at ISO-8601]`: one SLA sweep, now or at a given instant (to catch up
// after downtime, or to move time in tests). Fires each due warning and breach exactly once,
// through the same ticket hooks as the server's sweep, so the escalation rules act on them too.
import { z } from 'zod';
import { runSlaSweep } from '../../app/sla/sweep.server';
import type { TicketContext } from '../../app/tickets/context';
import { createTicketHooks } from '../../app/tickets/hooks.server';
import { parseFlags, type Command } from '../command';
import { openFromEnv } from '../context';

const flags = z.object({
  at: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), {
      message: 'must be an ISO-8601 instant with a zone, such as 2026-05-01T09:00:00Z',
    })
    .optional(),
  batch: z.coerce.number().int().min(1, 'must be a whole number of at least 1').max(10_000).default(500),
  quiet: z.boolean().default(false),
});

export const slaTick: Command = {
  name: 'sla:tick',
  summary: 'Run one SLA sweep: fire the warnings and breaches due by now (or by --at).',
  usage: '[--at ISO-8601] [--batch N] [--quiet]',
  async run(argv) {
    const { values } = parseFlags(argv, { at: { type: 'string' }, batch: { type: 'string' }, quiet: { type: 'boolean' } }, flags);
    const now = values.at ? new Date(values.at) : new Date();
    const { config, db } = openFromEnv();
    try {
      const ctx: TicketContext = { db, publicUrl: config.publicUrl, attachmentDir: config.attachmentDir, hooks: [] };
      ctx.hooks.push(...createTicketHooks(ctx, { now: new Date() }));
      const r = runSlaSweep(ctx, { now, batchSize: values.batch });
      if (!values.quiet) {
        process.stdout.write(`sla:tick at ${now.toISOString()}: ${r.timers} timers, ${r.warnings} warnings, ${r.breaches} breaches\n`);
      }
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
