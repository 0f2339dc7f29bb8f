// The outbox dispatcher: claims due rows, hands each to its channel's sender, and records the
// result. Transient failures back off exponentially and are retried without limit (nothing is
// ever dropped); permanent failures fail the row with the provider's reason. Rows of a
// channel with no sender configured simply wait.
import { z } from 'zod';
import type { OutboundMessage, Sender, SendResult } from '../../channels/types';
import type { Db } from '../../db/client';
import type { OutboxChannel } from '../../db/constants';
import {
  claimDueOutbox,
  markOutboxFailed,
  markOutboxSent,
  rescheduleOutbox,
  type OutboxRow,
} from '../../db/store/outbox';

const headersSchema = z.record(z.string(), z.string());

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 60 * 60 * 1000;
const LEASE_MS = 2 * 60 * 1000;

export function backoffMs(attempts: number, baseMs = BACKOFF_BASE_MS): number {
  return Math.min(BACKOFF_MAX_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface DispatcherOptions {
  db: Db;
  senders: Partial<Record<OutboxChannel, Sender>>;
  batchSize?: number;
  /** The first retry's delay (doubling after each failure, up to an hour). */
  backoffBaseMs?: number;
  onResult?: (row: OutboxRow, result: SendResult) => void;
}

export interface Dispatcher {
  /** Sends what is due at `now`; returns how many rows it handled. */
  runOnce(now: Date): Promise<number>;
  /** Polls every `intervalMs`; `kick()` runs a batch at once (after a commit that queued rows). */
  start(intervalMs: number, clock?: () => Date): void;
  kick(): void;
  /** Stops polling and waits for the batch in flight. */
  stop(): Promise<void>;
}

export function toOutbound(row: OutboxRow): OutboundMessage {
  const parsed = row.headers ? headersSchema.safeParse(JSON.parse(row.headers)) : undefined;
  return {
    id: row.id,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    html: row.html,
    headers: parsed?.success ? parsed.data : {},
  };
}

export function createDispatcher({ db, senders, batchSize = 50, backoffBaseMs = BACKOFF_BASE_MS, onResult }: DispatcherOptions): Dispatcher {
  const channels = Object.keys(senders) as OutboxChannel[];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let again = false;
  let clock: () => Date = () => new Date();

  async function runOnce(now: Date): Promise<number> {
    const rows = claimDueOutbox(db, { channels, now, leaseMs: LEASE_MS, limit: batchSize });
    await Promise.all(
      rows.map(async (row) => {
        const send = senders[row.channel]!;
        let result: SendResult;
        try {
          result = await send(toOutbound(row));
        } catch (error) {
          result = { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
        }
        const settledAt = new Date(Math.max(now.getTime(), Date.now()));
        if (result.ok) markOutboxSent(db, row.id, result.providerId ?? null, settledAt);
        else if (result.permanent) markOutboxFailed(db, row.id, result.error);
        else {
          const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(row.attempts, backoffBaseMs));
          rescheduleOutbox(db, row.id, result.error, new Date(settledAt.getTime() + wait));
        }
        onResult?.(row, result);
      }),
    );
    return rows.length;
  }

  function tick(): void {
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
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
