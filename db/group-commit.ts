// Group commit: write transactions that arrive together share one COMMIT. Most of an intake's
// cost after its own statements is the commit: the WAL frames of every B-tree it touched, the
// fsync under synchronous=FULL, and the auto-checkpoint that every ~10 commits copies and syncs
// pages; concurrent intakes touch mostly the same pages, so one commit for a group writes far
// fewer frames (docs/PERFORMANCE.md). Each transaction runs in its own savepoint, so one that
// fails is rolled back alone and the others still commit; every caller is answered only after
// the COMMIT that holds its work, and a group whose COMMIT fails is written again one by one.
// commitTogether is the commit; groupedWriteTransaction groups what arrives in one turn of the
// event loop (the web forms), app/email/commit-group.server.ts what is being parsed (mail).
import type Database from 'better-sqlite3';
import { writeTransaction, type Db, type Tx } from './client';

/** At most this many transactions per commit: the group holds the event loop while it runs. */
export const MAX_GROUP = 16;

interface Job {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxGroup: number,
  ) {}

  run<T>(fn: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: () => writeTransaction(this.db, fn), resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  // setImmediate runs after the I/O callbacks of this turn of the event loop, so the requests
  // whose bodies arrived together join one group; alone, a transaction waits for nothing.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const jobs = this.queue.splice(0, this.maxGroup);
      commitTogether(
        this.db,
        jobs.map((j) => j.work),
      ).forEach((outcome, i) => (outcome.ok ? jobs[i]!.resolve(outcome.value) : jobs[i]!.reject(outcome.error)));
      // One group per turn: reads and other requests get the event loop between groups.
      if (this.queue.length > 0) this.schedule();
    });
  }
}

/**
 * Runs each work in one write transaction, each in its own savepoint, and commits once; returns
 * each one's outcome, known only once that commit is over. A work that throws is rolled back
 * alone. When the transaction as a whole is lost (its COMMIT failed, or an error such as a full
 * disk ended it), nothing of it was kept, and every work runs again on its own, exactly as if it
 * had arrived alone: one bad write never costs the others theirs. A work is synchronous and
 * makes its own transactions (writeTransaction), which nest as savepoints inside the group's.
 */
export function commitTogether(db: Db, works: ReadonlyArray<() => unknown>): Outcome<unknown>[] {
  // Alone, a work is its own group: nothing to keep safe from it, no savepoint needed.
  if (works.length === 1) return [runAlone(works[0]!)];
  const client: Database.Database = db.$client;
  const outcomes: Outcome<unknown>[] = [];
  try {
    client
      .transaction(() => {
        for (const work of works) {
          try {
            // A nested better-sqlite3 transaction is a savepoint.
            outcomes.push({ ok: true, value: client.transaction(work)() });
          } catch (error) {
            // Some failures end the whole transaction: the earlier works' writes went with it.
            if (!client.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      })
      .immediate();
  } catch {
    return works.map(runAlone);
  }
  return outcomes;
}

function runAlone(work: () => unknown): Outcome<unknown> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}

// One group per connection, like the connection's write lock it stands in front of.
const groups = new WeakMap<Db, GroupCommit>();

/**
 * Runs `fn` as a write transaction committed together with the others that arrive in the same
 * turn of the event loop (up to MAX_GROUP). Resolves with `fn`'s result once it is committed;
 * rejects with `fn`'s own error (only its savepoint rolled back, or its own transaction when
 * the group's could not be committed and it ran again alone). `fn` must be synchronous, as for
 * writeTransaction.
 */
export function groupedWriteTransaction<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  let group = groups.get(db);
  if (!group) {
    group = new GroupCommit(db, MAX_GROUP);
    groups.set(db, group);
  }
  return group.run(fn);
}
