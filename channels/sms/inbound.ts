// Turns Twilio's messaging webhook into an InboundMessage. Knows Twilio's field names and
// nothing of tickets: threading is expressed as hints, opt-out words as a keyword.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { InboundAttachment, InboundMessage, ThreadHint } from '../types';
import type { FormParams } from './form';
import { smsKeyword, type SmsKeyword } from './keywords';

/** A text joins the sender's open ticket, or one resolved this recently. */
export const RECENT_OPEN_DAYS = 7;
export const MAX_MEDIA = 10;

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio ${prefix}… id`);

// Only the fields Redress reads are named; the rest pass through (they were signed all the same).
export const twilioInboundSchema = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message id (SM… or MM…)'),
  AccountSid: sid('AC'),
  From: z.string().trim().min(1, 'is required').max(64),
  To: z.string().trim().max(64).default(''),
  Body: z.string().max(10_000).default(''),
  NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).default(0),
  NumSegments: z.coerce.number().int().min(0).optional(),
});

const mediaSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  contentType: z.string().max(200).default('application/octet-stream'),
});

export type SmsTranslation =
  | { ok: true; message: InboundMessage; keyword: SmsKeyword | null }
  | { ok: false; error: string };

const REFERENCE_AT_START = /^\s*((?:CMP|FBK|ENQ)-\d{4}-\d{6,})(?![\w-])/i;

export function threadHintsFor(body: string): ThreadHint[] {
  const hints: ThreadHint[] = [];
  const ref = REFERENCE_AT_START.exec(body);
  if (ref) hints.push({ kind: 'reference', reference: ref[1]!.toUpperCase() });
  hints.push({ kind: 'recent-open', withinDays: RECENT_OPEN_DAYS });
  return hints;
}

/** E.164 for a phone number; anything else (short code, alphanumeric id, whatsapp:…) is not one. */
export function phoneOf(from: string): string | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(from)) return undefined;
  const parsed = parsePhoneNumberFromString(from);
  return parsed?.isPossible() ? parsed.number : undefined;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

export function translateSmsWebhook(params: FormParams, receivedAt: Date): SmsTranslation {
  const parsed = twilioInboundSchema.safeParse(params);
  if (!parsed.success) return { ok: false, error: describe(parsed.error) };
  const f = parsed.data;

  const attachments: InboundAttachment[] = [];
  for (let i = 0; i < f.NumMedia; i++) {
    const media = mediaSchema.safeParse({ url: params[`MediaUrl${i}`], contentType: params[`MediaContentType${i}`] });
    if (!media.success) return { ok: false, error: `MediaUrl${i}/MediaContentType${i}: ${describe(media.error)}` };
    const type = media.data.contentType.split(';')[0]!.trim().toLowerCase();
    attachments.push({ filename: `mms-${i + 1}.${EXTENSIONS[type] ?? 'bin'}`, declaredType: type, sourceUrl: media.data.url });
  }

  const phone = phoneOf(f.From);
  const message: InboundMessage = {
    channel: 'sms',
    sender: phone ? { phone } : { other: f.From },
    text: f.Body,
    attachments,
    providerMessageId: f.MessageSid,
    threadHints: phone ? threadHintsFor(f.Body) : [],
    receivedAt,
    meta: { to: f.To, segments: f.NumSegments ?? null, media: f.NumMedia },
  };
  // A keyword from something that is not a phone (a short code's STOP) commands nothing.
  return { ok: true, message, keyword: phone ? smsKeyword(f.Body) : null };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'} ${issue.message}`;
}
