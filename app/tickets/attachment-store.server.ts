// Attachment bytes on disk: random names in a directory outside public/, written before the
// intake transaction (no file I/O while the write lock is held) and removed again if the
// transaction turns out to be a duplicate or fails.
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundAttachment } from '../../channels/types';
import { detectAttachmentType, extensionFor, MAX_ATTACHMENT_BYTES, safeFilename } from './attachment-type';

export interface StoredFile {
  filename: string;
  contentType: string;
  size: number;
  storageKey: string | null;
  sha256: string | null;
  state: 'stored' | 'pending' | 'failed';
  sourceUrl: string | null;
  error: string | null;
}

export function storeAttachmentBytes(dir: string, content: Uint8Array, ext: string): { storageKey: string; sha256: string } {
  mkdirSync(dir, { recursive: true });
  const storageKey = `${randomBytes(16).toString('hex')}.${ext}`;
  // The row that names this file is committed with synchronous=FULL; the file must be as durable
  // before that commit, or a power loss could leave a stored attachment with no bytes behind it.
  const fd = openSync(join(dir, storageKey), 'wx');
  try {
    for (let at = 0; at < content.byteLength; ) at += writeSync(fd, content, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd); // the new name itself
  } finally {
    closeSync(dirFd);
  }
  return { storageKey, sha256: createHash('sha256').update(content).digest('hex') };
}

/**
 * Writes what can be written now. Bytes of a disallowed type or size are not stored; the
 * record still says what arrived and why it was refused, so nothing vanishes silently.
 */
export function prepareAttachments(dir: string, items: InboundAttachment[]): StoredFile[] {
  return items.map((item) => {
    const filename = safeFilename(item.filename);
    if (!item.content) {
      return {
        filename,
        contentType: item.declaredType ?? 'application/octet-stream',
        size: 0,
        storageKey: null,
        sha256: null,
        state: 'pending',
        sourceUrl: item.sourceUrl ?? null,
        error: null,
      };
    }
    const type = detectAttachmentType(item.content.subarray(0, 16));
    if (!type || item.content.byteLength > MAX_ATTACHMENT_BYTES) {
      return {
        filename,
        contentType: type ?? item.declaredType ?? 'application/octet-stream',
        size: item.content.byteLength,
        storageKey: null,
        sha256: null,
        state: 'failed',
        sourceUrl: null,
        error: type ? 'too-large' : 'type-not-allowed',
      };
    }
    const { storageKey, sha256 } = storeAttachmentBytes(dir, item.content, extensionFor(type));
    return { filename, contentType: type, size: item.content.byteLength, storageKey, sha256, state: 'stored', sourceUrl: null, error: null };
  });
}

export function discardAttachmentFiles(dir: string, files: StoredFile[]): void {
  for (const f of files) if (f.storageKey) rmSync(join(dir, f.storageKey), { force: true });
}
