// "Lost your link?": a reference and the email or mobile number used. When they match, a new
// link goes to that contact through the outbox. The answer reads the same whether or not they
// matched, so the page reveals nothing about anyone's case; lookups are rate-limited per IP.
import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { ErrorSummary, FieldErrors, TextField } from '~/components/form-controls';
import { translate } from '~/i18n/dictionary';
import { useT } from '~/i18n/use-t';
import { readPortalForm } from '~/portal/form-data.server';
import { refusal } from '~/portal/form-reply.server';
import { lostLinkSchema } from '~/portal/lost-link-form';
import { retryAfterSeconds } from '~/security/rate-limit';
import { retryAfterHeaders } from '~/security/retry-after';
import { resendTrackingLink } from '~/tickets/lost-link.server';
import { unlessStorageFails } from '~/portal/storage-failure.server';

/** Enough for a client who mistypes a few times; far too few to try references in bulk. */
export const LOST_LINK_LIMIT = { limit: 5, windowMs: 15 * 60 * 1000 };

type LostLinkAnswer =
  | { outcome: 'limited'; minutes: number }
  | { outcome: 'invalid'; result: SubmissionResult<string[]> }
  | { outcome: 'done' };

export async function loader({ context }: LoaderFunctionArgs) {
  return { region: context.defaultPhoneRegion };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const now = context.now();
  const verdict = context.rateLimiter.hit(`lost-link:${context.clientIp}`, LOST_LINK_LIMIT, now);
  if (!verdict.ok) {
    const seconds = retryAfterSeconds(verdict);
    return data<LostLinkAnswer>({ outcome: 'limited', minutes: Math.ceil(seconds / 60) }, { status: 429, headers: { 'Retry-After': String(seconds) } });
  }
  const form = await readPortalForm(request);
  const submission = parseWithZod(form.formData, { schema: lostLinkSchema({ region: context.defaultPhoneRegion }) });
  const refused = refusal(submission, form);
  if (refused) return data<LostLinkAnswer>({ outcome: 'invalid', result: refused.result }, { status: refused.status });
  if (submission.status !== 'success') throw new Error('refusal() covers every failed submission');
  const value = submission.value;
  const queued = await unlessStorageFails(request, () => resendTrackingLink(context.tickets, { ...value, now }));
  if (queued) context.kickOutbox();
  // Deliberately the same answer either way.
  return data<LostLinkAnswer>({ outcome: 'done' });
}

export const headers = retryAfterHeaders;

export default function LostLinkPage() {
  const { region } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as LostLinkAnswer | undefined;
  const t = useT();
  const schema = useMemo(() => lostLinkSchema({ region }), [region]);
  const [form, fields] = useForm({
    id: 'lost-link',
    lastResult: answer?.outcome === 'invalid' ? answer.result : undefined,
    constraint: getZodConstraint(schema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });

  return (
    <>
      <h1>{t('lost.title')}</h1>
      <p>{t('lost.intro')}</p>
      {answer?.outcome === 'done' ? (
        <p className="notice" role="status" data-testid="lost-answer">
          {t('lost.done')}
        </p>
      ) : null}
      {answer?.outcome === 'limited' ? (
        <p className="form-error" role="alert" data-testid="lost-answer">
          {t('lost.tooMany', { minutes: answer.minutes })}
        </p>
      ) : null}
      <Form method="post" className="panel" {...getFormProps(form)}>
        <ErrorSummary show={answer?.outcome === 'invalid'}>
          <FieldErrors id={form.errorId} errors={form.errors} />
        </ErrorSummary>
        <TextField meta={fields.reference} label={t('lost.reference')} hint={t('lost.reference.hint')} required autoComplete="off" />
        <TextField meta={fields.contact} label={t('lost.contact')} required autoComplete="email" />
        <button type="submit" className="primary">
          {t('lost.submit')}
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === 'root')?.data as { lang?: 'zh' | 'en' } | undefined;
  return [{ title: `${translate(root?.lang ?? 'zh', 'lost.title')} · Redress` }];
};
