// Group commit: write transactions that arrive together share one COMMIT. Most of an intake's
// cost after its own statements is the commit: the WAL frames of every B-tree it touched, the
// fsync under synchronous=FULL, and the auto-checkpoint that every ~10 commits copies and syncs
// pages; concurrent intakes touch mostly the same pages, so one commit for a group writes far
// fewer frames (docs/PERFORMANCE.md). Each transaction runs in its own savepoint, so one that
// fails is rolled back alone and the others still commit; every caller is answered only after
// the COMMIT that holds its work, and a failed COMMIT fails the whole group with its error.
import type Database from 'better-sqlite3';
import { writeTransaction, type Db, type Tx } from './client';

/** At most this many transactions per commit: the group holds the event loop while it runs. */
export const MAX_GROUP = 16;

interface Job {
  fn: (tx: Tx) => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxGroup: number,
  ) {}

  run<T>(fn: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
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
      commitGroup(this.db, this.queue.splice(0, this.maxGroup));
      // One group per turn: reads and other requests get the event loop between groups.
      if (this.queue.length > 0) this.schedule();
    });
  }
}

function commitGroup(db: Db, jobs: Job[]): void {
  // Alone, a transaction is its own group: no savepoint needed to keep others safe from it.
  if (jobs.length === 1) {
    const job = jobs[0]!;
    let value: unknown;
    try {
      value = writeTransaction(db, job.fn);
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(value);
    return;
  }
  const client: Database.Database = db.$client;
  const outcomes: Outcome[] = [];
  try {
    writeTransaction(db, () => {
      for (const job of jobs) {
        try {
          // Inside the group's transaction this is a savepoint (better-sqlite3 nests them).
          outcomes.push({ ok: true, value: writeTransaction(db, job.fn) });
        } catch (error) {
          // SQLite rolls the whole transaction back on some failures (a full disk, an I/O
          // error): the earlier jobs' work went with it, so the group fails as one.
          if (!client.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    for (const job of jobs) job.reject(error);
    return;
  }
  jobs.forEach((job, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  });
}

// One group per connection, like the connection's write lock it stands in front of.
const groups = new WeakMap<Db, GroupCommit>();

/**
 * Runs `fn` as a write transaction committed together with the others that arrive in the same
 * turn of the event loop (up to MAX_GROUP). Resolves with `fn`'s result once it is committed;
 * rejects with `fn`'s own error (only its savepoint rolled back), or with the COMMIT's error
 * when the group could not be committed (then nothing of it was stored). `fn` must be
 * synchronous, as for writeTransaction.
 */
export function groupedWriteTransaction<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  let group = groups.get(db);
  if (!group) {
    group = new GroupCommit(db, MAX_GROUP);
    groups.set(db, group);
  }
  return group.run(fn);
}
