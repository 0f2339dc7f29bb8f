// The feedback form's one schema (suggestion or compliment, the text, optional contact).
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { FEEDBACK_TYPES } from '../../db/constants';
import { formError } from './form-error';
import { cachedSchema } from './schema-cache';
import { emailField, optionalText, phoneField, requiredText, submissionIdField } from './form-fields';

export const FEEDBACK_LIMITS = { name: 200, text: 10_000 } as const;

/** The feedback form's schema for this phone region, built once per region. */
export const feedbackSchema = cachedSchema(
  ({ region }: { region: CountryCode }) => region,
  ({ region }) =>
    z.object({
      submissionId: submissionIdField,
      feedbackType: z.enum(FEEDBACK_TYPES, { error: formError('form.error.choose') }),
      text: requiredText(FEEDBACK_LIMITS.text),
      name: optionalText(FEEDBACK_LIMITS.name),
      email: emailField,
      phone: phoneField(region),
    }),
);

export type FeedbackSubmission = z.output<ReturnType<typeof feedbackSchema>>;
