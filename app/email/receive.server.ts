// Where every inbound email goes, whichever way it came (SMTP listener, IMAP poller, webhook,
// quarantine replay): translate the raw bytes, then decide in one place what to do with the
// result, and keep the raw bytes (compressed) with what it became. Mail that cannot be parsed
// or stored is quarantined raw (row plus file) so it can be replayed; nothing is lost.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { parseEmail, type ParsedEmail, type ParseOptions } from '../../channels/email/parse';
import { writeTransaction, type Db } from '../../db/client';
import type { EmailSource } from '../../db/schema';
import {
  findInboundEmail,
  findOutboundByEmailMessageIds,
  markEmailUndeliverable,
  markQuarantineReplayed,
  noteQuarantineError,
  quarantineById,
  quarantineEmail,
  recordInboundEmail,
  setMessageDelivery,
} from '../../db/store/email';
import { appendEvent } from '../../db/store/tickets';
import type { TicketContext } from '../tickets/context';
import { intake, NoThreadForAutomated } from '../tickets/intake.server';
import { announce } from './commit-group.server';

export interface EmailReceiver {
  tickets: TicketContext;
  /** Folder for quarantined raw messages. */
  quarantineDir: string;
  parse: Pick<ParseOptions, 'ownHosts' | 'replyToDomain'>;
}

export interface ReceiveInput {
  raw: Buffer;
  source: EmailSource;
  envelope?: ParseOptions['envelope'];
  now: Date;
}

export type ReceiveResult =
  | {
      status: 'stored';
      outcome: 'message' | 'bounce' | 'bounce-unmatched' | 'automated-unmatched' | 'own';
      duplicate: boolean;
      ticketId?: number;
      reference?: string;
      created?: boolean;
    }
  | {
      status: 'quarantined';
      quarantineId: number | null;
      error: string;
      /**
       * True when trying again may succeed (storing failed, or even the quarantine did); false
       * when the bytes themselves cannot be read: the same bytes fail the same way every time.
       */
      retry: boolean;
    };

/**
 * Brotli at quality 1: measured on 50 KB mail it is 20× faster than quality 4 for a few more
 * bytes, and compression runs for every message on the intake path.
 */
export function compressRaw(raw: Buffer): { data: Buffer; encoding: string } {
  const data = brotliCompressSync(raw, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 1, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.byteLength },
  });
  return { data, encoding: 'br' };
}

export function decompressRaw(data: Buffer, encoding: string): Buffer {
  if (encoding !== 'br') throw new Error(`unknown raw encoding ${encoding}`);
  return brotliDecompressSync(data);
}

export async function receiveEmail(r: EmailReceiver, input: ReceiveInput): Promise<ReceiveResult> {
  // Announced before parsing, so that messages parsed side by side share one commit.
  const slot = announce(r.tickets.db);
  let parsed: ParsedEmail;
  try {
    parsed = await parseEmail(input.raw, { ...r.parse, envelope: input.envelope, receivedAt: input.now });
  } catch (error) {
    slot.withdraw();
    const message = errorText(error);
    const quarantineId = quarantine(r, input, message);
    return { status: 'quarantined', quarantineId, error: message, retry: quarantineId === null };
  }
  const stored = await slot.store(() => storeParsed(r, parsed, input), { alone: hasFiles(parsed) || input.raw.length > GROUP_MAX_BYTES });
  if (stored.ok) return stored.value;
  const message = errorText(stored.error);
  return { status: 'quarantined', quarantineId: quarantine(r, input, message), error: message, retry: true };
}

// A big message is stored alone: a group's transaction is written to the log whole before any
// of it can be checkpointed, so groups of large messages would let the -wal file grow with them.
const GROUP_MAX_BYTES = 256 * 1024;

// Intake writes attachment files before it takes the write lock; inside a group it would write
// them under the group's lock, and again if the group had to be retried message by message.
const hasFiles = (parsed: ParsedEmail) => parsed.kind === 'message' && parsed.message.attachments.length > 0;

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function storeParsed(r: EmailReceiver, parsed: ParsedEmail, input: ReceiveInput): ReceiveResult {
  const db = r.tickets.db;
  const seen = findInboundEmail(db, parsed.dedupeKey);
  if (seen) return { status: 'stored', outcome: seen.outcome, duplicate: true, ticketId: seen.ticketId ?? undefined };

  const { data, encoding } = compressRaw(input.raw);
  const rawRow = {
    dedupeKey: parsed.dedupeKey,
    source: input.source,
    raw: data,
    rawEncoding: encoding,
    rawSize: input.raw.byteLength,
    sha256: parsed.sha256,
    receivedAt: input.now,
  };

  if (parsed.kind === 'own') {
    writeTransaction(db, (tx) => recordInboundEmail(tx, { ...rawRow, outcome: 'own' }));
    return { status: 'stored', outcome: 'own', duplicate: false };
  }

  if (parsed.kind === 'bounce') {
    return writeTransaction(db, (tx): ReceiveResult => {
      const { bounce } = parsed;
      const match = findOutboundByEmailMessageIds(tx, bounce.originalMessageIds);
      const detail = { ...bounce, subject: parsed.subject ?? null, from: parsed.from ?? null };
      if (!match?.ticketId) {
        recordInboundEmail(tx, { ...rawRow, outcome: 'bounce-unmatched', detail });
        return { status: 'stored', outcome: 'bounce-unmatched', duplicate: false };
      }
      if (!recordInboundEmail(tx, { ...rawRow, outcome: 'bounce', ticketId: match.ticketId, detail })) {
        return { status: 'stored', outcome: 'bounce', duplicate: true, ticketId: match.ticketId };
      }
      const reason = [bounce.status, bounce.diagnostic].filter(Boolean).join(' ') || null;
      if (match.messageId) setMessageDelivery(tx, match.messageId, bounce.hard ? 'bounced' : 'deferred', reason);
      const address = bounce.recipient ?? match.recipient;
      const undeliverable = bounce.hard && address ? markEmailUndeliverable(tx, address, input.now) : false;
      appendEvent(tx, {
        ticketId: match.ticketId,
        type: 'email.bounced',
        actorType: 'system',
        data: {
          hard: bounce.hard,
          status: bounce.status ?? null,
          recipient: address ?? null,
          diagnostic: bounce.diagnostic ?? null,
          messageId: match.messageId,
          outboxId: match.outboxId,
          undeliverable,
        },
        at: input.now,
      });
      return { status: 'stored', outcome: 'bounce', duplicate: false, ticketId: match.ticketId };
    });
  }

  const message = parsed.message;
  // The raw row is written by a hook inside intake's own transaction: the message and its raw
  // bytes commit together or not at all.
  const ctx: TicketContext = {
    ...r.tickets,
    hooks: [
      ...r.tickets.hooks,
      (tx, change) => {
        if (change.messageId !== undefined && (change.trigger === 'ticket.created' || change.trigger === 'message.received')) {
          recordInboundEmail(tx, {
            ...rawRow,
            outcome: 'message',
            messageId: change.messageId,
            ticketId: change.ticketId,
            detail: message.automated ? { automated: message.automated } : undefined,
          });
        }
      },
    ],
  };
  try {
    const result = intake(ctx, message, {}, input.now);
    return {
      status: 'stored',
      outcome: 'message',
      duplicate: result.duplicate,
      ticketId: result.ticketId,
      reference: result.reference,
      created: result.created,
    };
  } catch (error) {
    if (!(error instanceof NoThreadForAutomated)) throw error;
    // An auto-reply to nothing we know: kept (raw, with its kind), never a ticket.
    writeTransaction(db, (tx) =>
      recordInboundEmail(tx, {
        ...rawRow,
        outcome: 'automated-unmatched',
        detail: { automated: message.automated, from: message.sender.email ?? null, subject: message.subject ?? null },
      }),
    );
    return { status: 'stored', outcome: 'automated-unmatched', duplicate: false };
  }
}

/** Writes the raw bytes to a file and a row; the file alone survives when the database is what failed. */
function quarantine(r: EmailReceiver, input: ReceiveInput, error: string): number | null {
  const sha256 = createHash('sha256').update(input.raw).digest('hex');
  const file = `${sha256}.eml`;
  try {
    mkdirSync(r.quarantineDir, { recursive: true });
    const path = join(r.quarantineDir, file);
    if (!existsSync(path)) writeFileSync(path, input.raw);
    return quarantineEmail(r.tickets.db, { sha256, source: input.source, file, size: input.raw.byteLength, error, now: input.now });
  } catch {
    return null;
  }
}

export type ReplayResult = { id: number; ok: true; result: ReceiveResult } | { id: number; ok: false; error: string };

/** Feeds a quarantined message through receiveEmail again; a success marks it replayed. */
export async function replayQuarantined(r: EmailReceiver, id: number, now: Date): Promise<ReplayResult> {
  const db: Db = r.tickets.db;
  const row = quarantineById(db, id);
  if (!row) return { id, ok: false, error: `no quarantined email ${id}` };
  if (row.replayedAt) return { id, ok: false, error: `quarantined email ${id} was already replayed` };
  let raw: Buffer;
  try {
    raw = readFileSync(join(r.quarantineDir, row.file));
  } catch {
    return { id, ok: false, error: `the file of quarantined email ${id} (${row.file}) is missing` };
  }
  try {
    const parsed = await parseEmail(raw, { ...r.parse, receivedAt: now });
    const result = storeParsed(r, parsed, { raw, source: 'replay', now });
    markQuarantineReplayed(db, id, now);
    return { id, ok: true, result };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    noteQuarantineError(db, id, message);
    return { id, ok: false, error: message };
  }
}
