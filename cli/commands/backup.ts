// backup FILE: an online copy of the database (SQLite's backup API through better-sqlite3),
// consistent even while the server keeps writing. Never overwrites an existing file.
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

export const backup: Command = {
  name: 'backup',
  summary: 'Copy the live database to FILE (online backup; refuses to overwrite).',
  usage: 'FILE',
  async run(argv) {
    const { positionals } = parseFlags(argv, {}, z.object({}));
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE to write the backup to');
    const target = resolve(positionals[0]!);
    if (existsSync(target)) throw new UsageError(`${positionals[0]} already exists; choose a new file name`);
    const { config, db } = openFromEnv();
    try {
      if (resolve(config.databasePath) === target) throw new UsageError('FILE is the database itself');
      mkdirSync(dirname(target), { recursive: true });
      // Claim the name first ('wx' fails if it exists), so two backups never write one file.
      try {
        closeSync(openSync(target, 'wx'));
      } catch {
        throw new UsageError(`${positionals[0]} already exists; choose a new file name`);
      }
      let pages = 0;
      try {
        await db.$client.backup(target, {
          progress({ totalPages }) {
            pages = totalPages;
            // Copy in steps so a busy server is never blocked for the whole copy.
            return 1000;
          },
        });
      } catch (error) {
        rmSync(target, { force: true });
        throw error;
      }
      process.stdout.write(`Backed up ${pages} pages to ${target}\n`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
