// The loop the server's background workers share (the outbox dispatcher, the SMS media
// fetcher): run one batch of claimed work at a time, on a timer and on demand. A kick while a
// batch is in flight is remembered and runs right after it, and a full batch runs the next at
// once, so work queued by a commit never waits for the next tick. What a batch claims and how
// it settles each item stays with the worker; claims are leased in SQL, so two loops (or two
// processes) never work the same row.

export interface BatchLoop {
  /** Works what is due at `now`; returns how many items it claimed. */
  runOnce(now: Date): Promise<number>;
  /** Polls every `intervalMs`; `kick()` runs a batch at once (after a commit that queued work). */
  start(intervalMs: number, clock?: () => Date): void;
  kick(): void;
  /** Stops polling, starts no further batch, and waits for the one in flight. */
  stop(): Promise<void>;
}

export function createBatchLoop({ batchSize, runOnce }: { batchSize: number; runOnce: (now: Date) => Promise<number> }): BatchLoop {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let again = false;
  // After stop() no batch starts: a claim made while the database closes would sit leased until it expires.
  let stopped = false;
  let clock: () => Date = () => new Date();

  function tick(): void {
    if (stopped) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = runOnce(clock())
      .catch(() => 0)
      .then((n) => {
        inFlight = undefined;
        // A full batch means more may be waiting.
        if (again || n === batchSize) {
          again = false;
          setImmediate(tick);
        }
        return n;
      });
  }

  return {
    runOnce,
    start(intervalMs, c) {
      if (c) clock = c;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    kick: tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
