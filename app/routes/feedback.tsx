// The feedback form: a suggestion or a compliment, the text, and optional contact details.
import { getCollectionProps, getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import type { z } from 'zod';
import { FEEDBACK_TYPES } from '../../db/constants';
import { ErrorSummary, FieldErrors, TextAreaField, TextField } from '~/components/form-controls';
import { translate } from '~/i18n/dictionary';
import { requestLanguage } from '~/i18n/locale.server';
import { useT } from '~/i18n/use-t';
import { feedbackSchema } from '~/portal/feedback-form';
import { readPortalForm } from '~/portal/form-data.server';
import { refusal } from '~/portal/form-reply.server';
import { newSubmissionId } from '~/portal/submission-id.server';
import { submitFeedback } from '~/portal/submit.server';
import { unlessStorageFails } from '~/portal/storage-failure.server';

export async function loader({ context }: LoaderFunctionArgs) {
  return { submissionId: newSubmissionId(), region: context.defaultPhoneRegion };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const schema = feedbackSchema({ region: context.defaultPhoneRegion });
  const form = await readPortalForm(request);
  const submission = parseWithZod(form.formData, { schema });
  const refused = refusal(submission, form);
  if (refused) return data(refused.result, { status: refused.status });
  if (submission.status !== 'success') throw new Error('refusal() covers every failed submission');
  const value = submission.value;
  const sent = await unlessStorageFails(request, () => submitFeedback(context.tickets, value, { language: requestLanguage(request), now: context.now() }));
  context.kickOutbox();
  return redirect(`/track/${sent.token}/sent`);
}

export default function FeedbackPage() {
  const { submissionId, region } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const t = useT();
  const schema = useMemo(() => feedbackSchema({ region }), [region]);
  const [form, fields] = useForm<z.input<ReturnType<typeof feedbackSchema>>, z.output<ReturnType<typeof feedbackSchema>>>({
    id: 'feedback',
    lastResult,
    defaultValue: { submissionId },
    constraint: getZodConstraint(schema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const kind = fields.feedbackType;

  return (
    <>
      <h1>{t('feedback.title')}</h1>
      <p>{t('feedback.intro')}</p>
      <Form method="post" {...getFormProps(form)}>
        <ErrorSummary show={lastResult?.status === 'error'}>
          <FieldErrors id={form.errorId} errors={form.errors} />
          <FieldErrors id={fields.submissionId.errorId} errors={fields.submissionId.errors} />
        </ErrorSummary>
        <input type="hidden" name={fields.submissionId.name} value={fields.submissionId.initialValue ?? submissionId} />
        <section className="panel">
          <fieldset className="field" aria-describedby={kind.errors ? kind.errorId : undefined}>
            <legend>
              {t('form.feedbackType')} <span className="req">{t('form.required')}</span>
            </legend>
            {getCollectionProps(kind, { type: 'radio', options: [...FEEDBACK_TYPES] }).map(({ key, ...props }) => (
              <div className="choice-row" key={key}>
                <input {...props} />{' '}
                <label htmlFor={props.id}>{t(props.value === 'compliment' ? 'form.feedbackType.compliment' : 'form.feedbackType.suggestion')}</label>
              </div>
            ))}
            <FieldErrors id={kind.errorId} errors={kind.errors} />
          </fieldset>
          <TextAreaField meta={fields.text} label={t('form.feedbackText')} hint={t('form.description.hint')} required rows={8} />
          <fieldset className="group">
            <legend>{t('form.contact.legend')}</legend>
            <p className="hint">{t('form.feedback.contactHint')}</p>
            <TextField meta={fields.name} label={t('form.name')} autoComplete="name" />
            <TextField meta={fields.email} label={t('form.email')} type="email" autoComplete="email" />
            <TextField meta={fields.phone} label={t('form.phone')} hint={t('form.phone.hint', { region })} type="tel" autoComplete="tel" />
          </fieldset>
        </section>
        <button type="submit" className="primary">
          {t('feedback.submit')}
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const root = matches.find((m) => m.id === 'root')?.data as { lang?: 'zh' | 'en' } | undefined;
  return [{ title: `${translate(root?.lang ?? 'zh', 'feedback.title')} · Redress` }];
};
