// The tracking page's follow-up form: more text and documents for the same case.
import { z } from 'zod';
import { attachmentsField, requiredText, submissionIdField } from './form-fields';

export const FOLLOW_UP_MAX = 10_000;

export const followUpSchema = z.object({
  submissionId: submissionIdField,
  text: requiredText(FOLLOW_UP_MAX),
  attachments: attachmentsField,
});

export type FollowUpSubmission = z.output<typeof followUpSchema>;
