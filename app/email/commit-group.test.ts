// Group commit: what is stored together commits together, a failing message takes only itself
// back, a group whose transaction breaks is stored again message by message, and nobody waits
// for a message that will never come.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { testContext } from '../../tests/support/ticket-context';
import { announce, MAX_WAIT_MS } from './commit-group.server';

function setup() {
  const ctx = testContext({ file: true });
  ctx.db.$client.exec('create table t (x text not null)');
  // A second connection sees only what is committed.
  const reader = new Database(join(ctx.dir, 'db.sqlite'), { readonly: true });
  const committed = () => (reader.prepare('select x from t order by x').pluck().all() as string[]);
  const insert = (x: string) => ctx.db.$client.prepare('insert into t (x) values (?)').run(x);
  return { db: ctx.db, committed, insert };
}

describe('storing in a group', () => {
  it('messages announced together commit together, after the last has joined', async () => {
    const { db, committed, insert } = setup();
    const slots = [announce(db), announce(db), announce(db)];
    const seenByOthers: string[][] = [];
    const results = slots.map((slot, i) =>
      slot.store(() => {
        insert(`m${i}`);
        seenByOthers.push(committed());
        return i;
      }),
    );
    expect(await Promise.all(results)).toEqual([0, 1, 2].map((value) => ({ ok: true, value })));
    // Inside the group nothing was visible to another connection: one commit for the three.
    expect(seenByOthers).toEqual([[], [], []]);
    expect(committed()).toEqual(['m0', 'm1', 'm2']);
  });

  it('a message that fails undoes only its own writes', async () => {
    const { db, committed, insert } = setup();
    const [a, b, c] = [announce(db), announce(db), announce(db)];
    const results = await Promise.all([
      a.store(() => insert('a')),
      b.store(() => {
        insert('b');
        throw new Error('b fails');
      }),
      c.store(() => insert('c')),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: new Error('b fails') });
    expect(committed()).toEqual(['a', 'c']);
  });

  it('when the group transaction itself is lost, each message is stored again on its own', async () => {
    const { db, committed, insert } = setup();
    const [a, b, c] = [announce(db), announce(db), announce(db)];
    let bTries = 0;
    const results = await Promise.all([
      a.store(() => insert('a')),
      b.store(() => {
        bTries += 1;
        insert('b');
        // What SQLite does on some errors (disk full, I/O): the whole transaction is rolled back.
        if (bTries === 1) {
          db.$client.exec('rollback');
          throw new Error('transaction lost');
        }
      }),
      c.store(() => insert('c')),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(bTries).toBe(2);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('a withdrawn message is not waited for; one still parsing is waited for only briefly', async () => {
    const { db, committed, insert } = setup();
    const [a, b] = [announce(db), announce(db)];
    const stored = a.store(() => insert('a'));
    b.withdraw();
    expect(await stored).toEqual({ ok: true, value: expect.anything() });

    // The other announced message never comes: c waits MAX_WAIT_MS for it, no longer. On a fake
    // clock, so it shows under any load (a real timer may fire early by the loop's cached time).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const [c] = [announce(db), announce(db)];
      let settled = false;
      const done = c!.store(() => insert('c')).then((r) => ((settled = true), r));
      await vi.advanceTimersByTimeAsync(MAX_WAIT_MS - 1);
      expect(settled).toBe(false);
      expect(committed()).toEqual(['a']);
      await vi.advanceTimersByTimeAsync(1);
      expect((await done).ok).toBe(true);
      expect(committed()).toEqual(['a', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stored alone, a message runs at once in its own transactions, waiting for nobody', async () => {
    const { db, committed, insert } = setup();
    const [a, b] = [announce(db), announce(db)];
    let ran = false;
    const alone = a.store(
      () => {
        ran = true;
        insert('alone');
      },
      { alone: true },
    );
    expect(ran).toBe(true);
    expect(committed()).toEqual(['alone']);
    expect((await alone).ok).toBe(true);
    b.withdraw();
  });
});
