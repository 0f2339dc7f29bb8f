// Zod building blocks shared by the portal's forms. They run in the browser (Conform) and in
// the action alike, so they import nothing server-side; messages are dictionary keys.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../tickets/attachment-type';
import { formError } from './form-error';

/**
 * Browsers send textarea line breaks as CRLF when posting; with JavaScript the same text may
 * arrive with LF. Normalizing makes both paths store the same text; nothing else is changed.
 */
const normalizeNewlines = (v: string) => v.replace(/\r\n?/g, '\n');

const notBlank = (v: string) => v.trim().length > 0;

export function requiredText(max: number) {
  return z
    .string({ error: formError('form.error.required') })
    .transform(normalizeNewlines)
    .pipe(
      z
        .string()
        .refine(notBlank, formError('form.error.required'))
        .refine((v) => v.length <= max, formError('form.error.tooLong', { max })),
    );
}

export function optionalText(max: number) {
  return z
    .string()
    .transform(normalizeNewlines)
    .pipe(z.string().refine((v) => v.length <= max, formError('form.error.tooLong', { max })))
    .optional()
    .transform((v) => (v && notBlank(v) ? v : undefined));
}

export const emailField = z
  .string()
  .trim()
  .max(254, formError('form.error.tooLong', { max: 254 }))
  .pipe(z.email(formError('form.error.email')))
  .transform((v) => v.toLowerCase())
  .optional();

/** A phone number as typed, normalized to E.164 with the installation's default region. */
export function phoneField(region: CountryCode) {
  return z
    .string()
    .max(40, formError('form.error.phone'))
    .transform((v, ctx) => {
      const parsed = parsePhoneNumberFromString(v.trim(), region);
      if (!parsed || !parsed.isValid()) {
        ctx.addIssue({ code: 'custom', message: formError('form.error.phone') });
        return z.NEVER;
      }
      return parsed.number as string;
    })
    .optional();
}

/** A decimal amount such as 1500, 1,500.50 or 1500.5, as integer minor units (no floating point). */
export function parseAmountMinor(text: string): number | undefined {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.replace(/[,\s]/g, ''));
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export const amountField = z
  .string()
  .max(30, formError('form.error.amount'))
  .transform((v, ctx) => {
    const minor = parseAmountMinor(v.trim());
    if (minor === undefined) {
      ctx.addIssue({ code: 'custom', message: formError('form.error.amount') });
      return z.NEVER;
    }
    return minor;
  })
  .optional();

/** A calendar date (YYYY-MM-DD) no later than `today` (one day of slack for time zones). */
export function pastDateField(today: string) {
  const limit = new Date(`${today}T00:00:00Z`);
  limit.setUTCDate(limit.getUTCDate() + 1);
  const latest = limit.toISOString().slice(0, 10);
  return z
    .string({ error: formError('form.error.required') })
    .regex(/^\d{4}-\d{2}-\d{2}$/, formError('form.error.date'))
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && v >= '1900-01-01' && v <= latest, formError('form.error.date'));
}

/** The hidden per-render id that makes a double submit, a refresh or a replay one ticket. */
export const submissionIdField = z
  .string({ error: formError('form.error.expired') })
  .regex(/^[A-Za-z0-9_-]{22}$/, formError('form.error.expired'));

/**
 * Files as the browser sees them (count and size). Their real type is decided on the server
 * from their first bytes, which the browser check cannot see.
 */
export const attachmentsField = z
  .array(
    z.file().refine((f) => f.size <= MAX_ATTACHMENT_BYTES, {
      error: (issue) => formError('form.error.fileTooLarge', { name: (issue.input as File).name }),
    }),
  )
  .max(MAX_ATTACHMENTS, formError('form.error.tooManyFiles'))
  .optional()
  .transform((v) => v ?? []);
