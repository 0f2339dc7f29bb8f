// The outbox dispatcher: claims due rows, hands each to its channel's sender, and records the
// result. Transient failures back off exponentially and are retried without limit (nothing is
// ever dropped); permanent failures fail the row with the provider's reason. Rows of a
// channel with no sender configured simply wait.
import { z } from 'zod';
import type { OutboundMessage, Sender, SendResult } from '../../channels/types';
import type { Db } from '../../db/client';
import { groupedWriteTransaction } from '../../db/group-commit';
import type { OutboxChannel } from '../../db/constants';
import {
  claimDueOutbox,
  markOutboxFailed,
  markOutboxSent,
  rescheduleOutbox,
  type OutboxRow,
} from '../../db/store/outbox';
import { createBatchLoop, type BatchLoop } from '../jobs/batch-loop';

const headersSchema = z.record(z.string(), z.string());

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 60 * 60 * 1000;
export const LEASE_MS = 2 * 60 * 1000;

export function backoffMs(attempts: number, baseMs = BACKOFF_BASE_MS): number {
  return Math.min(BACKOFF_MAX_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface DispatcherOptions {
  db: Db;
  senders: Partial<Record<OutboxChannel, Sender>>;
  batchSize?: number;
  /** How long a claimed row is ours before a restarted or second dispatcher may send it again. */
  leaseMs?: number;
  /** The first retry's delay (doubling after each failure, up to an hour). */
  backoffBaseMs?: number;
  onResult?: (row: OutboxRow, result: SendResult) => void;
}

/** Sends what is due on each batch; `runOnce` returns how many rows it handled. */
export type Dispatcher = BatchLoop;

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

export function createDispatcher({
  db,
  senders,
  batchSize = 50,
  leaseMs = LEASE_MS,
  backoffBaseMs = BACKOFF_BASE_MS,
  onResult,
}: DispatcherOptions): Dispatcher {
  const channels = Object.keys(senders) as OutboxChannel[];

  async function runOnce(now: Date): Promise<number> {
    const rows = claimDueOutbox(db, { channels, now, leaseMs, limit: batchSize });
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
        // Rows whose sends finish in the same turn share one commit (one fsync, not one each).
        await groupedWriteTransaction(db, (tx) => {
          if (result.ok) markOutboxSent(tx, row.id, result.providerId ?? null, settledAt);
          else if (result.permanent) markOutboxFailed(tx, row.id, result.error);
          else {
            const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(row.attempts, backoffBaseMs));
            rescheduleOutbox(tx, row.id, result.error, new Date(settledAt.getTime() + wait));
          }
        });
        onResult?.(row, result);
      }),
    );
    return rows.length;
  }

  return createBatchLoop({ batchSize, runOnce });
}
