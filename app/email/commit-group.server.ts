// Group commit for inbound mail: messages received at about the same time are stored in one
// write transaction, each in its own savepoint, so they share one commit (under
// synchronous=FULL, one fsync of the log; and the pages every intake touches, written once)
// instead of paying one each. The commit is db/group-commit.ts's commitTogether; what is mail's
// own is when a group is written: once the messages being parsed have joined it. Each caller's promise settles only after the transaction that
// holds its message has committed, so an SMTP 250 still means "stored". A message that fails
// rolls back its own savepoint only; if the transaction as a whole fails (its commit, or an
// error that ended it), nothing of the group was kept and every message is stored again on its
// own, exactly as if it had arrived alone.
//
// A group is written once every message still being parsed has joined it, or MAX_WAIT_MS after
// its first message, whichever comes first: a slow parse (a 20 MB message) never holds the
// others' answers for longer than that.
import type { Db } from '../../db/client';
import { commitTogether, type Outcome } from '../../db/group-commit';

/** Enough to share a commit; small enough that the first message's answer is not held long. */
export const MAX_GROUP = 32;
export const MAX_WAIT_MS = 5;

export type StoreOutcome<R> = Outcome<R>;

interface Pending<R> {
  store: () => R;
  settle: (outcome: StoreOutcome<R>) => void;
}

interface Groups {
  /** Messages announced (being parsed) that have neither joined a group nor been withdrawn. */
  expected: number;
  group: Pending<unknown>[];
  timer: NodeJS.Timeout | undefined;
  flushing: boolean;
}

export interface Slot {
  /**
   * Runs `store` (synchronous; its own transactions nest as savepoints) in the group's
   * transaction, or at once in its own with `alone`; resolves with its result or error once
   * that transaction is over. Never rejects.
   */
  store<R>(store: () => R, opts?: { alone?: boolean }): Promise<StoreOutcome<R>>;
  /** The message will not be stored (it could not be parsed): the group stops waiting for it. */
  withdraw(): void;
}

const byDb = new WeakMap<Db, Groups>();

/** Announces a message that will be stored on `db` once parsed; call as soon as its bytes are in. */
export function announce(db: Db): Slot {
  let g = byDb.get(db);
  if (!g) {
    g = { expected: 0, group: [], timer: undefined, flushing: false };
    byDb.set(db, g);
  }
  const groups = g;
  groups.expected += 1;
  let used = false;
  const use = () => {
    if (used) throw new Error('a slot is used once');
    used = true;
    groups.expected -= 1;
  };
  return {
    store<R>(store: () => R, opts: { alone?: boolean } = {}) {
      use();
      return new Promise<StoreOutcome<R>>((settle) => {
        if (opts.alone) storeTogether(db, [{ store, settle } as Pending<unknown>]);
        else groups.group.push({ store, settle } as Pending<unknown>);
        schedule(db, groups);
      });
    },
    withdraw() {
      use();
      schedule(db, groups);
    },
  };
}

function schedule(db: Db, g: Groups): void {
  if (g.group.length === 0 || g.flushing) return;
  if (g.expected === 0 || g.group.length >= MAX_GROUP) {
    g.flushing = true;
    // After this turn's other callbacks: messages that finish parsing in it still join.
    setImmediate(() => flush(db, g));
  } else if (!g.timer) {
    g.timer = setTimeout(() => {
      g.flushing = true;
      flush(db, g);
    }, MAX_WAIT_MS);
  }
}

function flush(db: Db, g: Groups): void {
  clearTimeout(g.timer);
  g.timer = undefined;
  g.flushing = false;
  const group = g.group;
  g.group = [];
  if (group.length > 0) storeTogether(db, group);
  // Messages that joined while this group was being written (MAX_GROUP) start the next one.
  schedule(db, g);
}

/** Stores a group (of one, too: then on its own) and settles each message's promise. */
function storeTogether(db: Db, group: Pending<unknown>[]): void {
  commitTogether(
    db,
    group.map((item) => item.store),
  ).forEach((outcome, i) => group[i]!.settle(outcome));
}

