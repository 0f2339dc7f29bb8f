// email:replay ID | --all — feeds quarantined email through intake again (after the cause,
// such as a full disk or a parser bug, is fixed). A message stored since is a no-op.
import { z } from 'zod';
import type { TicketContext } from '../../app/tickets/context';
import { createTicketHooks } from '../../app/tickets/hooks.server';
import { openQuarantine } from '../../db/store/email';
import { UsageError, parseFlags, type Command } from '../command';
import { openFromEnv } from '../context';

export const emailReplay: Command = {
  name: 'email:replay',
  summary: 'Replay quarantined inbound email (one by id, or all of it)',
  usage: 'ID | --all',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { all: { type: 'boolean' } }, z.object({ all: z.boolean().optional() }));
    const idText = positionals[0];
    if (values.all === Boolean(idText) || positionals.length > 1) throw new UsageError('give one quarantine id, or --all');
    const id = idText === undefined ? undefined : Number(idText);
    if (id !== undefined && (!Number.isInteger(id) || id <= 0)) throw new UsageError(`"${idText}" is not a quarantine id`);

    // Loaded only once the arguments are good: the MIME stack is slow to load.
    const { replayQuarantined } = await import('../../app/email/receive.server');
    const { emailReceiver } = await import('../../server/email-channel');
    const { config, db } = openFromEnv();
    try {
      // The server's hooks: a replayed complaint gets its SLA timers, rules and roll-ups as if it had arrived.
      const ctx: TicketContext = { db, publicUrl: config.publicUrl, attachmentDir: config.attachmentDir, hooks: [] };
      ctx.hooks.push(...createTicketHooks(ctx, { now: new Date() }));
      const receiver = emailReceiver(ctx, config);
      const ids: number[] = [];
      if (id !== undefined) ids.push(id);
      else {
        let after = 0;
        for (;;) {
          const page = openQuarantine(db, after, 100);
          if (page.length === 0) break;
          ids.push(...page.map((r) => r.id));
          after = page.at(-1)!.id;
        }
      }
      let failed = 0;
      for (const qid of ids) {
        const r = await replayQuarantined(receiver, qid, new Date());
        if (r.ok) {
          const res = r.result;
          const what = res.status === 'stored' ? `${res.outcome}${res.duplicate ? ' (already stored)' : ''}${res.reference ? ` ${res.reference}` : ''}` : 'quarantined again';
          process.stdout.write(`${qid}: ${what}\n`);
        } else {
          failed += 1;
          process.stdout.write(`${qid}: failed: ${r.error}\n`);
        }
      }
      if (ids.length === 0) process.stdout.write('Nothing in quarantine.\n');
      return failed > 0 ? 1 : 0;
    } finally {
      db.$client.close();
    }
  },
};
