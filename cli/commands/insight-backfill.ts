// redress insight:backfill: recounts the report roll-ups from the tickets (after an import, or
// on a database that existed before the roll-ups did). Safe to run at any time.
import { z } from 'zod';
import { backfillRollups } from '../../app/insight/rollup.server';
import { parseFlags, type Command } from '../command';
import { openFromEnv } from '../context';

export const insightBackfill: Command = {
  name: 'insight:backfill',
  summary: 'Recount the daily report roll-ups from the tickets table',
  usage: '',
  async run(argv) {
    parseFlags(argv, {}, z.object({}));
    const { db } = openFromEnv();
    try {
      const { cells } = backfillRollups(db);
      process.stdout.write(`Recounted the roll-ups: ${cells} day × channel × product × cause × kind × team cells.\n`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
