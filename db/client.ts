// Opens the embedded SQLite database with the pragmas Redress relies on and applies the
// committed migrations. Everything else reaches the database through the `Db` handle.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database, { type RunResult } from 'better-sqlite3';
import { getTableName, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteTable } from 'drizzle-orm/sqlite-core';
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

// Queries that run on every intake and every timer event, built once per connection (drizzle
// otherwise rebuilds the SQL text on every call, which cost more than SQLite running it). A
// transaction handle is a new object each time but shares its database's session, so the
// session is the key: a query prepared once serves every later transaction on that connection,
// and nothing outlives the connection it was prepared on.
const preparedBySession = new WeakMap<object, Map<string, unknown>>();

function sessionOf(tx: Tx): object {
  return (tx as unknown as { session: object }).session;
}

/** The query `build` makes for this connection, built on first use; `name` must be unique per query. */
export function preparedFor<T>(tx: Tx, name: string, build: (tx: Tx) => T): T {
  const session = sessionOf(tx);
  let queries = preparedBySession.get(session);
  if (!queries) {
    queries = new Map();
    preparedBySession.set(session, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(tx);
    queries.set(name, query);
  }
  return query;
}

export interface InsertOptions {
  /** ON CONFLICT DO NOTHING: the result says whether a row went in. */
  ignoreConflict?: boolean;
}

/**
 * Inserts one row through a statement prepared once per connection for each shape of row
 * (which columns are given, which of them are null). Null goes in as a literal: drizzle's
 * prepared parameters would hand it to the column's encoder, which expects a value.
 */
function preparedInsert(tx: Tx, table: SQLiteTable, values: Record<string, unknown>, returning: boolean, opts: InsertOptions) {
  const keys = Object.keys(values).filter((k) => values[k] !== undefined);
  const shape = keys.map((k) => (values[k] === null ? `${k}=null` : k)).join(',');
  const name = `insert:${getTableName(table)}:${returning ? 'returning' : 'run'}:${opts.ignoreConflict ? 'ignore' : 'fail'}:${shape}`;
  const query = preparedFor(tx, name, (t) => {
    const row = Object.fromEntries(keys.map((k) => [k, values[k] === null ? sql`null` : sql.placeholder(k)]));
    const insert = t.insert(table).values(row as never);
    const body = opts.ignoreConflict ? insert.onConflictDoNothing() : insert;
    return returning ? body.returning().prepare() : body.prepare();
  });
  const params = Object.fromEntries(keys.filter((k) => values[k] !== null).map((k) => [k, values[k]]));
  return { query, params };
}

/** Inserts one row and returns it as stored (defaults filled in), or undefined when a conflict was ignored. */
export function insertReturning<T extends SQLiteTable>(tx: Tx, table: T, values: T['$inferInsert'], opts: InsertOptions = {}): T['$inferSelect'] | undefined {
  const { query, params } = preparedInsert(tx, table, values as Record<string, unknown>, true, opts);
  return (query as { get(p: object): T['$inferSelect'] | undefined }).get(params);
}

/** Inserts one row; returns whether it went in (false only when `ignoreConflict` skipped it). */
export function insertRow<T extends SQLiteTable>(tx: Tx, table: T, values: T['$inferInsert'], opts: InsertOptions = {}): boolean {
  const { query, params } = preparedInsert(tx, table, values as Record<string, unknown>, false, opts);
  return (query as { run(p: object): RunResult }).run(params).changes > 0;
}
