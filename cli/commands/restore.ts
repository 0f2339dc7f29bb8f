// restore BACKUP: puts a backup made by `backup FILE` in place of the database DATABASE_URL names.
// Safer than copying the file by hand: it refuses while the server (or any process) has the
// database open, checks the backup's integrity before touching anything, keeps the current
// database (and its -wal, which may hold committed writes) aside instead of deleting it, swaps the
// file in with one rename, then applies any newer migrations and checks the result again.
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { openDb } from '../../db/client';
import { parseEnv } from '../../server/env';
import { parseFlags, UsageError, type Command } from '../command';

/** `ok`, or what SQLite's integrity check found. */
function integrityOf(db: Database.Database): string {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
}

/**
 * True when another connection has the database open. A WAL connection holds a shared lock on
 * the file for as long as it is open, so an exclusive lock taken without waiting fails.
 */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY') || (error as { code?: string }).code === 'SQLITE_LOCKED') return true;
    throw error;
  } finally {
    db.close();
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export const restore: Command = {
  name: 'restore',
  summary: 'Replace the database with BACKUP (stop the server first; the current file is kept aside).',
  usage: 'BACKUP',
  async run(argv) {
    const { positionals } = parseFlags(argv, {}, z.object({}));
    if (positionals.length !== 1) throw new UsageError('give exactly one BACKUP file to restore');
    const source = resolve(positionals[0]!);
    if (!existsSync(source)) throw new UsageError(`${positionals[0]} does not exist`);
    const config = parseEnv(process.env);
    if (config.databasePath === ':memory:') throw new UsageError('DATABASE_URL is :memory:; there is nothing to restore into');
    const target = resolve(config.databasePath);
    if (target === source) throw new UsageError('BACKUP is the database itself');

    // 1. The backup must be a sound Redress database before anything is touched.
    let backupDb: Database.Database;
    try {
      backupDb = new Database(source, { readonly: true, fileMustExist: true });
      backupDb.pragma('schema_version');
    } catch {
      throw new UsageError(`${positionals[0]} is not an SQLite database`);
    }
    try {
      const integrity = integrityOf(backupDb);
      if (integrity !== 'ok') throw new UsageError(`${positionals[0]} failed the integrity check (${integrity.slice(0, 200)}); nothing was changed`);
      const hasTickets = backupDb.prepare("select count(*) from sqlite_master where type = 'table' and name = 'tickets'").pluck().get() as number;
      if (hasTickets === 0) throw new UsageError(`${positionals[0]} is not a Redress database (no tickets table); nothing was changed`);
    } finally {
      backupDb.close();
    }

    // 2. Never under a running server: it would keep writing to the file we replace.
    if (databaseInUse(target)) {
      throw new UsageError(`${config.databasePath} is open in another process (is the server running?): stop it first; nothing was changed`);
    }

    // 3. Copy next to the target, flush, keep the current database aside, then swap with one rename.
    const staging = `${target}.restoring`;
    rmSync(staging, { force: true });
    copyFileSync(source, staging);
    fsyncPath(staging);
    let keptAs: string | undefined;
    if (existsSync(target)) {
      keptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['-wal', '-shm']) if (existsSync(`${target}${suffix}`)) renameSync(`${target}${suffix}`, `${keptAs}${suffix}`);
      renameSync(target, keptAs);
    }
    renameSync(staging, target);
    fsyncPath(dirname(target));

    // 4. Bring an older backup up to the current schema, and check what the server will open.
    const db = openDb({ url: `file:${target}`, sync: config.DB_SYNC });
    try {
      const integrity = integrityOf(db.$client);
      if (integrity !== 'ok') throw new Error(`the restored database failed the integrity check: ${integrity.slice(0, 200)}`);
      const tickets = db.$client.prepare('select count(*) from tickets').pluck().get() as number;
      process.stdout.write(
        `Restored ${basename(source)} to ${config.databasePath} (${tickets} tickets, integrity ok).` +
          (keptAs ? ` The previous database is kept as ${keptAs}.` : '') +
          ' Attachments are not in the backup: restore the attachments/ folder beside it from your file backup.\n',
      );
    } finally {
      db.$client.close();
    }
    return 0;
  },
};
