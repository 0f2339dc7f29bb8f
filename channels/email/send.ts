// Outbound email through nodemailer: a pooled SMTP transport when SMTP_URL is set, otherwise
// one .eml file per message under the outbox folder, so the demo needs no mail server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { OutboundMessage, Sender, SendResult } from '../types';

export interface EmailSenderOptions {
  from: string;
  smtpUrl?: string;
  /** Where .eml files go when there is no SMTP_URL. */
  outboxDir: string;
  /** Domain of reply+<token>@ addresses; when set, mail that names a reply token gets Reply-To. */
  replyToDomain?: string;
}

export interface EmailSender {
  send: Sender;
  close(): void;
}

export function createEmailSender(opts: EmailSenderOptions): EmailSender {
  const transport = opts.smtpUrl
    ? nodemailer.createTransport(opts.smtpUrl.includes('pool=') ? opts.smtpUrl : withPool(opts.smtpUrl))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  async function send(message: OutboundMessage): Promise<SendResult> {
    const {
      'Message-ID': messageId,
      'In-Reply-To': inReplyTo,
      References: references,
      'X-Redress-Reply-Token': replyToken,
      ...headers
    } = message.headers;
    try {
      const info = await transport.sendMail({
        from: opts.from,
        to: message.recipient,
        replyTo: replyToken && opts.replyToDomain ? `reply+${replyToken}@${opts.replyToDomain}` : undefined,
        subject: message.subject ?? '',
        text: message.body,
        html: message.html ?? htmlFromText(message.body),
        messageId,
        inReplyTo,
        references,
        // Marks Redress's own mail, so a copy that comes back in is never ingested again.
        headers: { ...headers, 'X-Redress-Outbox': String(message.id) },
      });
      if (!opts.smtpUrl) {
        mkdirSync(opts.outboxDir, { recursive: true });
        const raw = (info as unknown as { message: Buffer }).message;
        writeFileSync(join(opts.outboxDir, `${String(message.id).padStart(8, '0')}.eml`), raw);
      }
      return { ok: true, providerId: info.messageId };
    } catch (error) {
      return classifySmtpError(error);
    }
  }

  return { send, close: () => transport.close() };
}

/** The HTML part of a plain-text message: escaped, paragraphs kept, bare links clickable. */
export function htmlFromText(text: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const paragraphs = text.split(/\n{2,}/).map((p) =>
    escape(p)
      .replace(/https?:\/\/[^\s<&]+/g, (url) => `<a href="${url}">${url}</a>`)
      .replace(/\n/g, '<br>'),
  );
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${paragraphs.map((p) => `<p>${p}</p>`).join('')}</body></html>`;
}

function withPool(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}pool=true`;
}

/** A 5xx answer is the server's final word; anything else (4xx, network) is worth a retry. */
export function classifySmtpError(error: unknown): SendResult {
  const e = error as { responseCode?: number; message?: string; code?: string };
  const text = `${e.responseCode ?? e.code ?? 'error'}: ${e.message ?? String(error)}`.slice(0, 500);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { ok: false, permanent: true, error: text };
  return { ok: false, permanent: false, error: text };
}
