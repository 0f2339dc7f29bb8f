// "Lost your link?": a reference and the email or mobile number the client used.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { REFERENCE_PATTERN } from '../../db/constants';
import { formError } from './form-error';

export type LostLinkContact = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

export function lostLinkSchema({ region }: { region: CountryCode }) {
  return z.object({
    reference: z
      .string({ error: formError('lost.error.reference') })
      .max(40, formError('lost.error.reference'))
      .transform((v) => v.trim().toUpperCase())
      .refine((v) => new RegExp(`^${REFERENCE_PATTERN.source}$`).test(v), formError('lost.error.reference')),
    contact: z
      .string({ error: formError('lost.error.contact') })
      .max(254, formError('lost.error.contact'))
      .transform((raw, ctx): LostLinkContact => {
        const v = raw.trim();
        if (v.includes('@')) {
          if (z.email().safeParse(v).success) return { kind: 'email', value: v.toLowerCase() };
        } else {
          const phone = parsePhoneNumberFromString(v, region);
          if (phone?.isValid()) return { kind: 'phone', value: phone.number as string };
        }
        ctx.addIssue({ code: 'custom', message: formError('lost.error.contact') });
        return z.NEVER;
      }),
  });
}
