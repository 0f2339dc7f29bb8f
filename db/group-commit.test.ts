import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isStorageFailure, openDb, type Tx } from './client';
import { groupedWriteTransaction } from './group-commit';

const open: Database.Database[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** A database file with one table, and what another connection sees committed in it. */
function fresh() {
  const path = join(mkdtempSync(join(tmpdir(), 'redress-group-')), 'g.sqlite');
  const db = openDb({ url: `file:${path}`, sync: 'normal', migrate: false });
  db.$client.exec('create table t (id integer primary key, v text not null, parent integer references t(id))');
  const reader = new Database(path, { readonly: true });
  open.push(db.$client, reader);
  const committed = () => reader.prepare('select v from t order by id').pluck().all() as string[];
  return { db, committed };
}

// Through the connection itself: drizzle's tx.run would wrap SQLite's error in its own.
const insert = (tx: Tx, v: string, parent: number | null = null) =>
  (tx as unknown as { session: { client: Database.Database } }).session.client.prepare('insert into t (v, parent) values (?, ?)').run(v, parent);

describe('groupedWriteTransaction', () => {
  it('commits the transactions of one turn together, each in its own savepoint, and answers each after that commit', async () => {
    const { db, committed } = fresh();
    const answered: string[] = [];
    let insideC: { committed: string[]; answered: string[] } | undefined;
    const a = groupedWriteTransaction(db, (tx) => insert(tx, 'a')).then(() => answered.push(`a:${committed().join()}`));
    const b = groupedWriteTransaction(db, (tx) => {
      insert(tx, 'b');
      throw new Error('b is bad');
    });
    const c = groupedWriteTransaction(db, (tx) => {
      insert(tx, 'c');
      // Same transaction as a: a is written but neither committed nor answered yet.
      insideC = { committed: committed(), answered: [...answered] };
      return 'c done';
    });
    await expect(b).rejects.toThrow('b is bad');
    await expect(c).resolves.toBe('c done');
    await a;
    expect(insideC).toEqual({ committed: [], answered: [] });
    // a was answered only once its row was visible to another connection.
    expect(answered).toEqual(['a:a,c']);
    expect(committed()).toEqual(['a', 'c']);
  });

  it('writes a group whose COMMIT fails again one by one: the good one is stored alone, the bad one fails', async () => {
    const { db, committed } = fresh();
    const answered: string[] = [];
    const a = groupedWriteTransaction(db, (tx) => insert(tx, 'a')).then(() => answered.push(`a:${committed().join()}`));
    // A deferred foreign key is checked at COMMIT only: the group's commit fails.
    const b = groupedWriteTransaction(db, (tx) => {
      db.$client.pragma('defer_foreign_keys = on');
      insert(tx, 'orphan', 999);
    });
    await expect(b).rejects.toThrow(/FOREIGN KEY/);
    await a;
    // a was answered only after its own commit, never after the group's failed one.
    expect(answered).toEqual(['a:a']);
    expect(committed()).toEqual(['a']);
    // The connection is usable again: the next group commits.
    await groupedWriteTransaction(db, (tx) => insert(tx, 'after'));
    expect(committed()).toEqual(['a', 'after']);
  });

  it('on a full database answers stored only what was committed', async () => {
    const { db, committed } = fresh();
    db.$client.pragma(`max_page_count = ${(db.$client.pragma('page_count', { simple: true }) as number) + 2}`);
    const results = await Promise.allSettled([
      groupedWriteTransaction(db, (tx) => insert(tx, 'small 1')),
      groupedWriteTransaction(db, (tx) => insert(tx, 'x'.repeat(200_000))),
      groupedWriteTransaction(db, (tx) => insert(tx, 'small 2')),
    ]);
    const [first, big, second] = results;
    expect(big.status).toBe('rejected');
    expect(isStorageFailure((big as PromiseRejectedResult).reason)).toBe(true);
    const stored = committed();
    expect(stored.some((v) => v.length > 100)).toBe(false);
    expect(first.status === 'fulfilled').toBe(stored.includes('small 1'));
    expect(second.status === 'fulfilled').toBe(stored.includes('small 2'));
  });

  it('runs more than a group’s worth in several commits, all of them stored', async () => {
    const { db, committed } = fresh();
    const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
    await Promise.all(values.map((v) => groupedWriteTransaction(db, (tx) => insert(tx, v))));
    expect(committed()).toEqual(values);
  });
});
