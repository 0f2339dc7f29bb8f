// Fetches MMS media after the text is stored: the webhook answers at once with the attachment
// records pending, and this worker downloads each file, checks its real type, stores it, and
// retries with backoff. A file that cannot be had is marked failed with the reason, on the
// message it belongs to; the message itself is never held back.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaDownloader } from '../../channels/sms/media';
import { writeTransaction, type Db } from '../../db/client';
import { claimPendingMedia, markMediaFailed, markMediaStored, rescheduleMedia, type PendingMedia } from '../../db/store/sms';
import { appendEvent } from '../../db/store/tickets';
import { createBatchLoop, type BatchLoop } from '../jobs/batch-loop';
import { storeAttachmentBytes } from '../tickets/attachment-store.server';
import { detectAttachmentType, extensionFor } from '../tickets/attachment-type';

export const MEDIA_MAX_ATTEMPTS = 6;
export const MEDIA_BACKOFF_BASE_MS = 5_000;
const LEASE_MS = 2 * 60 * 1000;

export function mediaBackoffMs(attempts: number): number {
  return MEDIA_BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
}

export interface MediaWorkerOptions {
  db: Db;
  attachmentDir: string;
  download: MediaDownloader;
  batchSize?: number;
  onResult?: (media: PendingMedia, outcome: 'stored' | 'retry' | 'failed', error?: string) => void;
}

export type MediaWorker = BatchLoop;

export function createMediaWorker({ db, attachmentDir, download, batchSize = 10, onResult }: MediaWorkerOptions): MediaWorker {
  async function fetchOne(media: PendingMedia, now: Date): Promise<void> {
    const got = await download(media.sourceUrl);
    const settledAt = now;
    let error: string;
    let permanent: boolean;
    if (got.ok) {
      const type = detectAttachmentType(got.bytes.subarray(0, 16));
      if (type) {
        const file = storeAttachmentBytes(attachmentDir, got.bytes, extensionFor(type));
        const stored = writeTransaction(db, (tx) =>
          markMediaStored(tx, media.id, { ...file, size: got.bytes.byteLength, contentType: type }),
        );
        // Another worker settled it first (after a lease ran out): keep one copy.
        if (!stored) rmSync(join(attachmentDir, file.storageKey), { force: true });
        onResult?.(media, 'stored');
        return;
      }
      error = `type not allowed: the bytes are not ${got.contentType}, PDF, PNG or JPEG`;
      permanent = true;
    } else {
      error = got.error;
      permanent = got.permanent;
    }
    if (!permanent && media.attempts < MEDIA_MAX_ATTEMPTS) {
      rescheduleMedia(db, media.id, `attempt ${media.attempts}: ${error}`, new Date(settledAt.getTime() + mediaBackoffMs(media.attempts)));
      onResult?.(media, 'retry', error);
      return;
    }
    writeTransaction(db, (tx) => {
      if (!markMediaFailed(tx, media.id, error)) return;
      appendEvent(tx, {
        ticketId: media.ticketId,
        type: 'attachment.failed',
        actorType: 'system',
        data: { attachmentId: media.id, messageId: media.messageId, error, attempts: media.attempts },
        at: settledAt,
      });
    });
    onResult?.(media, 'failed', error);
  }

  async function runOnce(now: Date): Promise<number> {
    const due = claimPendingMedia(db, { now, leaseMs: LEASE_MS, limit: batchSize });
    await Promise.all(due.map((m) => fetchOne(m, now)));
    return due.length;
  }

  return createBatchLoop({ batchSize, runOnce });
}
