// Opens the embedded SQLite database with the pragmas Redress relies on and applies the
// committed migrations. Everything else reaches the database through the `Db` handle.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database, { type RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/**
 * What store functions take: the transaction they run in, or the database itself for a read
 * that needs none. Both have the same synchronous query API.
 */
export type Tx = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export type DbSync = 'full' | 'normal';

export interface OpenDbOptions {
  /** `file:path`, a bare path, or `:memory:`. */
  url: string;
  sync?: DbSync;
  migrate?: boolean;
  /** DB_MAX_PAGES: the most pages the file may grow to (unset = no limit but the disk's). */
  maxPages?: number;
}

/**
 * Did this error come from storage being unable to take a write (disk or quota full, file
 * read-only, I/O error, locked past busy_timeout)? Such a failure is temporary for the client:
 * answer 503 / SMTP 451 and let them retry; nothing was stored.
 */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Database.SqliteError &&
    typeof code === 'string' &&
    /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL)/.test(code)
  );
}

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function filePathFromUrl(url: string): string {
  if (url === ':memory:') return url;
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}

export function openDb({ url, sync = 'full', migrate: runMigrations = true, maxPages }: OpenDbOptions): Db {
  const path = filePathFromUrl(url);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a crash (see docs/RELIABILITY.md).
  client.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 15000');
  cacheStatements(client);
  const db = drizzle(client, { schema }) as Db;
  if (runMigrations) migrate(db, { migrationsFolder: MIGRATIONS });
  // A quota (after migrating, so the server always starts): past it a write fails with
  // SQLITE_FULL exactly as on a full disk, and is answered as one (see isStorageFailure).
  if (maxPages) client.pragma(`max_page_count = ${Math.floor(maxPages)}`);
  return db;
}

/**
 * Reuses compiled statements. drizzle prepares every query it runs afresh, and compiling the
 * SQL was a large part of intake's cost (docs/PERFORMANCE.md); statements are keyed by their
 * text, and the modes a caller may have set (raw, pluck, expand) are reset on each hand-out.
 * A statement still iterating is never shared: that caller gets a fresh one.
 */
function cacheStatements(client: Database.Database, max = 500): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = client.prepare.bind(client);
  client.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const stmt = prepare(source);
    if (!hit) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof client.prepare;
}

/**
 * Runs `fn` as one write transaction. BEGIN IMMEDIATE takes the write lock up front, so two
 * writers queue on busy_timeout instead of failing with SQLITE_BUSY half-way through.
 * The body must be synchronous: no await, no network.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}

export interface CheckpointResult {
  mode: 'PASSIVE' | 'TRUNCATE';
  /** 1 when a writer or reader kept the checkpoint from finishing (it is tried again next time). */
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * Keeps the write-ahead log bounded. SQLite's own auto-checkpoint (every 1,000 pages) runs inside
 * a commit and never shrinks the file; this runs from a timer. While writes keep coming it is
 * PASSIVE (never waits, copies what no reader still needs); when nothing was written since the
 * last call it is TRUNCATE, which empties the -wal file, with busy_timeout set to 0 for that one
 * call so a CLI holding the lock makes it give up at once instead of blocking the event loop.
 */
export function checkpointWal(db: Db, { idle }: { idle: boolean }): CheckpointResult {
  const client = db.$client;
  const mode = idle ? 'TRUNCATE' : 'PASSIVE';
  const timeout = client.pragma('busy_timeout', { simple: true }) as number;
  if (idle) client.pragma('busy_timeout = 0');
  try {
    const row = client.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
    return { mode, ...row[0]! };
  } finally {
    if (idle) client.pragma(`busy_timeout = ${timeout}`);
  }
}

/** Total rows changed through this connection since it opened: unchanged means no write happened. */
export function totalChanges(db: Db): number {
  return db.$client.prepare('select total_changes() as n').pluck().get() as number;
}

// Queries the ticket hooks run several times per event, built once per database handle or
// transaction (drizzle otherwise rebuilds the SQL text on every call, which cost more than
// SQLite running it). Keyed by the handle, so nothing outlives its connection.
const preparedByHandle = new WeakMap<object, Map<string, unknown>>();

/** The query `build` makes for this handle, built on first use; `name` must be unique per query. */
export function preparedFor<T>(tx: Tx, name: string, build: (tx: Tx) => T): T {
  let queries = preparedByHandle.get(tx);
  if (!queries) {
    queries = new Map();
    preparedByHandle.set(tx, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(tx);
    queries.set(name, query);
  }
  return query;
}
