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
    const { 'Message-ID': messageId, 'In-Reply-To': inReplyTo, References: references, ...headers } = message.headers;
    try {
      const info = await transport.sendMail({
        from: opts.from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.body,
        html: message.html ?? undefined,
        messageId,
        inReplyTo,
        references,
        headers,
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
