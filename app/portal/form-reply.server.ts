// Sends a refused form back: the schema's errors plus what the streaming reader found wrong
// with the body or the files, as one Conform result and the right status (413 when something
// was too large, else 400). Uploaded files cannot be put back into a file input, so the
// client is told to choose them again.
import type { Submission, SubmissionResult } from '@conform-to/react';
import { formError } from './form-error';
import type { PortalForm } from './form-data.server';

export interface Refusal {
  result: SubmissionResult<string[]>;
  status: 400 | 413;
}

/** Undefined when the form can be accepted as it is. */
export function refusal(submission: Submission<unknown, string[], unknown>, form: PortalForm, fileField?: string): Refusal | undefined {
  const fileErrors: string[] = [];
  for (const p of form.fileProblems) {
    if (p.problem === 'too-large') fileErrors.push(formError('form.error.fileTooLarge', { name: p.filename }));
    else if (p.problem === 'type') fileErrors.push(formError('form.error.fileType', { name: p.filename }));
    else if (!fileErrors.includes(formError('form.error.tooManyFiles'))) fileErrors.push(formError('form.error.tooManyFiles'));
  }
  const formErrors: string[] = [];
  if (form.tooLarge) formErrors.push(formError('form.error.requestTooLarge'));
  if (form.unreadable) formErrors.push(formError('form.error.unreadable'));

  const schemaErrors = submission.status === 'error' ? (submission.error ?? {}) : {};
  const schemaFailed = submission.status !== 'success';
  if (!schemaFailed && fileErrors.length === 0 && formErrors.length === 0) return undefined;

  const hadFiles = fileField !== undefined && (form.formData.getAll(fileField).length > 0 || form.fileProblems.length > 0);
  const fieldErrors: Record<string, string[]> = {};
  if (fileField) {
    const existing = schemaErrors[fileField] ?? [];
    const merged = [...existing, ...fileErrors];
    if (hadFiles) merged.push(formError('form.error.filesAgain'));
    if (merged.length > 0) fieldErrors[fileField] = merged;
  }
  const tooLarge = form.tooLarge || form.fileProblems.some((p) => p.problem === 'too-large');
  return {
    result: submission.reply({ formErrors: [...(schemaErrors[''] ?? []), ...formErrors], fieldErrors }),
    status: tooLarge ? 413 : 400,
  };
}
