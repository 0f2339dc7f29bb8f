// The complaint form's one schema: Conform validates with it in the browser, the action with
// it on the server. Products and causes are the stable codes of db/constants.ts.
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { CAUSES, PRODUCTS } from '../../db/constants';
import { formError } from './form-error';
import { cachedSchema } from './schema-cache';
import {
  amountField,
  attachmentsField,
  emailField,
  optionalText,
  pastDateField,
  phoneField,
  requiredText,
  submissionIdField,
} from './form-fields';

export const COMPLAINT_LIMITS = { name: 200, customerNumber: 64, description: 10_000, outcome: 2_000 } as const;

export interface FormSchemaOptions {
  /** Region assumed for phone numbers written without a country code (DEFAULT_PHONE_REGION). */
  region: CountryCode;
  /** Today as YYYY-MM-DD, from the request's `now`; the date of the incident may not be later. */
  today: string;
}

/** Called on possibly invalid input, hence the loose type. */
function hasContact(v: { email?: unknown; phone?: unknown }): boolean {
  return Boolean(v.email || v.phone);
}

function buildComplaintSchema({ region, today }: FormSchemaOptions) {
  return z
    .object({
      submissionId: submissionIdField,
      name: requiredText(COMPLAINT_LIMITS.name),
      email: emailField,
      phone: phoneField(region),
      customerNumber: optionalText(COMPLAINT_LIMITS.customerNumber),
      product: z.enum(PRODUCTS, { error: formError('form.error.choose') }),
      cause: z.enum(CAUSES, { error: formError('form.error.choose') }),
      occurredOn: pastDateField(today),
      amount: amountField,
      description: requiredText(COMPLAINT_LIMITS.description),
      outcome: requiredText(COMPLAINT_LIMITS.outcome),
      attachments: attachmentsField,
      consent: z.boolean({ error: formError('form.error.consent') }).refine((v) => v, formError('form.error.consent')),
    })
    // `when` makes the check run even while other fields are wrong, so every error shows at once.
    .refine(hasContact, { message: formError('form.error.contact'), path: ['email'], when: () => true })
    .refine(hasContact, { message: formError('form.error.contact'), path: ['phone'], when: () => true });
}

/** The complaint form's schema for these options, built once per distinct options. */
export const complaintSchema = cachedSchema(({ region, today }: FormSchemaOptions) => `${region}|${today}`, buildComplaintSchema);

export type ComplaintSubmission = z.output<ReturnType<typeof complaintSchema>>;
