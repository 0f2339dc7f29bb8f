// The complaint form. One zod schema (app/portal/complaint-form.ts) drives Conform in the
// browser and the action; without JavaScript the same form posts as plain multipart and the
// server answers with the form again, errors beside their fields, values kept.
import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useMemo } from 'react';
import type { z } from 'zod';
import { CAUSES, PRODUCTS } from '../../db/constants';
import { CheckboxField, ErrorSummary, FieldErrors, FileField, SelectField, TextAreaField, TextField } from '~/components/form-controls';
import { causeLabels, productLabels, translate } from '~/i18n/dictionary';
import { requestLanguage } from '~/i18n/locale.server';
import { useLanguage, useT } from '~/i18n/use-t';
import { complaintSchema } from '~/portal/complaint-form';
import { readPortalForm } from '~/portal/form-data.server';
import { refusal } from '~/portal/form-reply.server';
import { newSubmissionId } from '~/portal/submission-id.server';
import { submitComplaint } from '~/portal/submit.server';
import { unlessStorageFails } from '~/portal/storage-failure.server';

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export async function loader({ context }: LoaderFunctionArgs) {
  return { submissionId: newSubmissionId(), region: context.defaultPhoneRegion, today: isoDay(context.now()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const now = context.now();
  const schema = complaintSchema({ region: context.defaultPhoneRegion, today: isoDay(now) });
  const form = await readPortalForm(request);
  const submission = parseWithZod(form.formData, { schema });
  const refused = refusal(submission, form, 'attachments');
  if (refused) return data(refused.result, { status: refused.status });
  if (submission.status !== 'success') throw new Error('refusal() covers every failed submission');
  const value = submission.value;
  const sent = await unlessStorageFails(request, () => submitComplaint(context.tickets, value, { language: requestLanguage(request), now }));
  context.kickOutbox();
  return redirect(`/track/${sent.token}/sent`);
}

export default function ComplaintPage() {
  const { submissionId, region, today } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const lang = useLanguage();
  const t = useT();
  const navigation = useNavigation();
  const schema = useMemo(() => complaintSchema({ region, today }), [region, today]);
  const [form, fields] = useForm<z.input<ReturnType<typeof complaintSchema>>, z.output<ReturnType<typeof complaintSchema>>>({
    id: 'complaint',
    lastResult,
    defaultValue: { submissionId },
    constraint: getZodConstraint(schema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const busy = navigation.state === 'submitting' && navigation.formAction === '/complaint';

  return (
    <>
      <h1>{t('complaint.title')}</h1>
      <p>{t('complaint.intro')}</p>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
        <ErrorSummary show={lastResult?.status === 'error'}>
          <FieldErrors id={form.errorId} errors={form.errors} />
          <FieldErrors id={fields.submissionId.errorId} errors={fields.submissionId.errors} />
        </ErrorSummary>
        <input type="hidden" name={fields.submissionId.name} value={fields.submissionId.initialValue ?? submissionId} />
        <section className="panel" aria-labelledby="about-you">
          <h2 id="about-you">{t('complaint.aboutYou')}</h2>
          <TextField meta={fields.name} label={t('form.name')} required autoComplete="name" />
          <fieldset className="group">
            <legend>{t('form.contact.legend')}</legend>
            <p className="hint">{t('form.contact.hint')}</p>
            <TextField meta={fields.email} label={t('form.email')} type="email" autoComplete="email" />
            <TextField meta={fields.phone} label={t('form.phone')} hint={t('form.phone.hint', { region })} type="tel" autoComplete="tel" />
          </fieldset>
          <TextField meta={fields.customerNumber} label={t('form.customerNumber')} hint={t('form.customerNumber.hint')} />
        </section>
        <section className="panel" aria-labelledby="about-issue">
          <h2 id="about-issue">{t('complaint.aboutIssue')}</h2>
          <SelectField
            meta={fields.product}
            label={t('form.product')}
            required
            placeholder={t('form.choose')}
            options={PRODUCTS.map((p) => ({ value: p, label: productLabels[lang][p] }))}
          />
          <SelectField
            meta={fields.cause}
            label={t('form.cause')}
            required
            placeholder={t('form.choose')}
            options={CAUSES.map((c) => ({ value: c, label: causeLabels[lang][c] }))}
          />
          <TextField meta={fields.occurredOn} label={t('form.occurredOn')} type="date" required />
          <TextField meta={fields.amount} label={t('form.amount')} hint={t('form.amount.hint')} inputMode="decimal" />
          <TextAreaField meta={fields.description} label={t('form.description')} hint={t('form.description.hint')} required rows={8} />
          <TextAreaField meta={fields.outcome} label={t('form.outcome')} required rows={4} />
          <CheckboxField meta={fields.consent} label={t('form.consent')} required />
          {/* Last, so that a refused upload cannot cut off the fields before it. */}
          <FileField meta={fields.attachments} label={t('form.attachments')} hint={t('form.attachments.hint')} />
        </section>
        <button type="submit" className="primary">
          {busy ? t('form.sending') : t('complaint.submit')}
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const root = matches.find((m) => m.id === 'root')?.data as { lang?: 'zh' | 'en' } | undefined;
  return [{ title: `${translate(root?.lang ?? 'zh', 'complaint.title')} · Redress` }];
};
