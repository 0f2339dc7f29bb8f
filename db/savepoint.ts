// A savepoint inside the caller's write transaction: what `fn` writes is kept when it returns
// and undone when it throws, the rest of the transaction untouched. drizzle's nested
// transaction does the same but builds a whole new database object (a query builder per table)
// each time, about a tenth of a rule run's cost when the sweep runs the rules for every timer.
import type Database from 'better-sqlite3';
import type { Tx } from './client';

function clientOf(tx: Tx): Database.Database {
  return (tx as unknown as { session: { client: Database.Database } }).session.client;
}

export function inSavepoint<T>(tx: Tx, fn: () => T): T {
  const client = clientOf(tx);
  // Statements are cached per connection (db/client.ts), so these are prepared once.
  client.prepare('SAVEPOINT redress_guard').run();
  try {
    const result = fn();
    client.prepare('RELEASE redress_guard').run();
    return result;
  } catch (error) {
    // Some failures (a full disk, say) make SQLite roll the whole transaction back: then
    // there is no savepoint left to undo, and the caller's transaction fails with the error.
    if (!client.inTransaction) throw error;
    // A savepoint of the same name opened inside fn is gone once its own call ended, so
    // these undo and close exactly this one.
    client.prepare('ROLLBACK TO redress_guard').run();
    client.prepare('RELEASE redress_guard').run();
    throw error;
  }
}
