// The one email translator: raw bytes in (from the SMTP listener, the IMAP poller or the
// webhook), a decision out. Parsing starts from the bytes, never from a decoded string, so
// each part's charset (GBK, Big5, ISO-2022-JP…) is applied by mailparser where it is declared.
// Knows nothing of tickets: it says what the mail is and which thread it names.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type HeaderValue, type ParsedMail } from 'mailparser';
import { z } from 'zod';
import type { InboundAttachment, InboundMessage, ThreadHint } from '../types';
import { isAutoReply, isBounce, type AutomationInput } from './automation';
import { readBounce, type BounceReport } from './bounce';
import { sanitizeEmailHtml, textFromHtml } from './html';
import { splitReply } from './quote';

export interface ParseOptions {
  /** Host names Redress puts in its own Message-IDs: mail carrying one is our own coming back. */
  ownHosts: string[];
  /** Domain of reply+<token>@ addresses; without it no reply token is read. */
  replyToDomain?: string;
  /** SMTP envelope, when the mail came over SMTP: sender ('' = empty return path) and recipients. */
  envelope?: { mailFrom: string; rcptTo: string[] };
  receivedAt: Date;
}

export type ParsedEmail =
  | { kind: 'message'; dedupeKey: string; sha256: string; message: InboundMessage }
  | { kind: 'bounce'; dedupeKey: string; sha256: string; bounce: BounceReport; subject?: string; from?: string }
  | { kind: 'own'; dedupeKey: string; sha256: string };

/** Our header on every outbound mail; the Message-ID host is the other give-away. */
export const OWN_MAIL_HEADER = 'X-Redress-Outbox';

// Duplicated from db/constants (channels import nothing of ours but channels/types).
const REFERENCE = /\b(CMP|FBK|ENQ)-(\d{4})-(\d{6,})\b/i;
const MESSAGE_ID = /<[^<>\s]+@[^<>\s]+>/g;
const address = z.email().max(254);

export async function parseEmail(raw: Buffer, opts: ParseOptions): Promise<ParsedEmail> {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const mail = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const header = (name: string) => headerText(mail.headers.get(name));

  const messageId = normalizeMessageId(mail.messageId);
  const dedupeKey = messageId ?? `sha256:${sha256}`;
  const from = firstAddress(mail.from);
  const returnPath = opts.envelope ? opts.envelope.mailFrom : header('return-path');
  const emptyReturnPath = returnPath !== undefined && returnPath.replace(/[<>\s]/g, '') === '';
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const automation: AutomationInput = {
    header,
    contentType: contentType?.value?.toLowerCase() ?? 'text/plain',
    reportType: contentType?.params?.['report-type'],
    fromAddress: from?.address,
    subject: mail.subject,
    emptyReturnPath,
  };
  const references = messageIdsOf(mail);

  if (isBounce(automation)) {
    const parts = (types: string[]) =>
      mail.attachments.filter((a) => types.includes(a.contentType.toLowerCase())).map((a) => a.content.toString('utf8'));
    const bounce = readBounce({
      // mailparser inlines message/delivery-status into the text; other parsers keep it apart.
      statusParts: [...parts(['message/delivery-status', 'message/global-delivery-status']), mail.text ?? ''],
      returnedParts: parts(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']),
      text: mail.text ?? '',
      rawText: raw.toString('latin1'),
      ownMessageId: messageId,
      references,
    });
    return { kind: 'bounce', dedupeKey, sha256, bounce, subject: mail.subject, from: from?.address };
  }

  if (header(OWN_MAIL_HEADER.toLowerCase()) !== undefined || (messageId && isOwnHost(messageId, opts.ownHosts))) {
    return { kind: 'own', dedupeKey, sha256 };
  }

  const html = mail.html ? sanitizeEmailHtml(mail.html) : undefined;
  // HTML-only mail: the text comes from the sanitized HTML, so no script or form text leaks in.
  const fullText = (mail.text?.trim() ? mail.text : html ? textFromHtml(html) : '').replace(/\r\n/g, '\n').trim();
  const { visible, quoted } = splitReply(fullText);
  const replyTo = firstAddress(mail.replyTo);

  const message: InboundMessage = {
    channel: 'email',
    sender: { name: from?.name || undefined, email: from?.address },
    subject: mail.subject?.trim() || undefined,
    text: visible,
    html: html || undefined,
    attachments: mail.attachments.filter(isContentAttachment).map(toAttachment),
    providerMessageId: dedupeKey,
    threadHints: threadHints(mail, references, opts),
    receivedAt: opts.receivedAt,
    automated: isAutoReply(automation) ? 'auto-reply' : undefined,
    ackTo: emptyReturnPath ? null : (replyTo?.address ?? undefined),
    meta: {
      messageId: messageId ?? null,
      inReplyTo: normalizeMessageId(mail.inReplyTo) ?? null,
      references,
      to: addresses(mail.to).map((a) => a.address),
      cc: addresses(mail.cc).map((a) => a.address),
      replyTo: replyTo?.address ?? null,
      date: mail.date?.toISOString() ?? null,
      // The whole text, quotes included, stays available; `text` is what is shown by default.
      fullText: quoted ? fullText : undefined,
      quoted: quoted ? true : undefined,
      rawSize: raw.byteLength,
    },
  };
  if (!message.sender.email) message.sender.other = header('from')?.slice(0, 200) || 'unknown sender';
  return { kind: 'message', dedupeKey, sha256, message };
}

function threadHints(mail: ParsedMail, references: string[], opts: ParseOptions): ThreadHint[] {
  const hints: ThreadHint[] = [];
  if (references.length > 0) hints.push({ kind: 'message-ids', ids: references });
  if (opts.replyToDomain) {
    const domain = opts.replyToDomain.toLowerCase();
    const recipients = [...addresses(mail.to), ...addresses(mail.cc)].map((a) => a.address).concat(opts.envelope?.rcptTo ?? []);
    for (const r of recipients) {
      const m = /^reply\+([0-9a-f]{32})@(.+)$/i.exec(r);
      if (m && m[2]!.toLowerCase() === domain) {
        hints.push({ kind: 'reply-token', token: m[1]!.toLowerCase() });
        break;
      }
    }
  }
  const ref = mail.subject ? REFERENCE.exec(mail.subject) : null;
  if (ref) hints.push({ kind: 'reference', reference: ref[0].toUpperCase() });
  return hints;
}

/** In-Reply-To first (the message answered), then References newest first. */
function messageIdsOf(mail: ParsedMail): string[] {
  const refs = Array.isArray(mail.references) ? mail.references.join(' ') : (mail.references ?? '');
  const ids = [...(mail.inReplyTo ?? '').matchAll(MESSAGE_ID), ...[...refs.matchAll(MESSAGE_ID)].reverse()].map((m) => m[0]);
  return [...new Set(ids)].slice(0, 50);
}

function normalizeMessageId(id: string | undefined): string | undefined {
  const m = id?.match(/<[^<>\s]+>/)?.[0] ?? (id?.trim() ? `<${id.trim().replace(/^<|>$/g, '')}>` : undefined);
  return m && m.length <= 250 ? m : undefined;
}

function isOwnHost(messageId: string, hosts: string[]): boolean {
  const host = messageId.slice(messageId.lastIndexOf('@') + 1, -1).toLowerCase();
  return hosts.some((h) => h.toLowerCase() === host);
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const out: { address: string; name: string }[] = [];
  const visit = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.group) visit(a.group);
      const parsed = address.safeParse(a.address?.trim().toLowerCase());
      if (parsed.success) out.push({ address: parsed.data, name: a.name?.trim() ?? '' });
    }
  };
  for (const f of Array.isArray(field) ? field : field ? [field] : []) visit(f.value);
  return out;
}

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  return addresses(field)[0];
}

function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => headerText(v as HeaderValue)).join(', ');
  if (typeof value === 'object') {
    const v = value as { text?: string; value?: unknown };
    if (typeof v.text === 'string') return v.text;
    if (typeof v.value === 'string') return v.value;
  }
  return String(value);
}

// Delivery reports and returned messages are read by readBounce, not kept as files.
const NOT_FILES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/rfc822-headers']);

function isContentAttachment(a: Attachment): boolean {
  return !NOT_FILES.has(a.contentType.toLowerCase());
}

function toAttachment(a: Attachment, i: number): InboundAttachment {
  return {
    filename: a.filename ?? `attachment-${i + 1}`,
    declaredType: a.contentType,
    content: a.content,
    inline: a.related || a.contentDisposition === 'inline' ? true : undefined,
  };
}
