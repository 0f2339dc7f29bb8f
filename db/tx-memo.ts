// Reads kept for the rest of one write transaction. The SLA sweep fires hundreds of timers in a
// transaction, and the rules each event runs read the same configuration and the same staff
// rosters every time (a third of an event's reads). Nothing else writes while a write
// transaction is open, so within it such a read can only go stale through the transaction's own
// writes: the writers of what is kept here forget it (forgetInTransaction), and a value is
// never kept past its transaction (the memo belongs to the transaction handle). Reads through
// the database handle itself, outside a transaction, are never kept.
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { Tx } from './client';

const memos = new WeakMap<object, Map<string, unknown>>();

/** `read()` once per transaction for `key`; the value is shared, so callers must not modify it. */
export function memoInTransaction<T>(tx: Tx, key: string, read: () => T): T {
  const handle: object = tx;
  if (!(handle instanceof SQLiteTransaction)) return read();
  let memo = memos.get(handle);
  if (!memo) {
    memo = new Map();
    memos.set(handle, memo);
  }
  if (memo.has(key)) return memo.get(key) as T;
  const value = read();
  memo.set(key, value);
  return value;
}

/** Drops what this transaction kept under keys starting with `prefix` (a writer of that data calls it). */
export function forgetInTransaction(tx: Tx, prefix: string): void {
  const memo = memos.get(tx);
  if (!memo) return;
  for (const key of memo.keys()) if (key.startsWith(prefix)) memo.delete(key);
}
