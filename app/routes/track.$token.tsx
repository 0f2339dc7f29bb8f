// The client's tracking page, opened by the private link: status in plain words, the public
// timeline, the thread of messages in and out (never internal notes), and a follow-up form
// that appends text and documents to the same case. Unknown or forged tokens get a 404.
import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import type { z } from 'zod';
import { ErrorSummary, FieldErrors, FileField, TextAreaField } from '~/components/form-controls';
import { causeLabels, productLabels, translate } from '~/i18n/dictionary';
import { requestLanguage } from '~/i18n/locale.server';
import { expectedDecisionBy } from '~/sla/summary.server';
import { useT } from '~/i18n/use-t';
import { eventText, formatDateTime, statusText } from '~/portal/display';
import { formError } from '~/portal/form-error';
import { readPortalForm } from '~/portal/form-data.server';
import { refusal } from '~/portal/form-reply.server';
import { followUpSchema } from '~/portal/follow-up-form';
import { newSubmissionId } from '~/portal/submission-id.server';
import { submitFollowUp } from '~/portal/submit.server';
import { clientView, ticketForToken } from '~/tickets/tracking.server';
import { unlessStorageFails } from '~/portal/storage-failure.server';

function notFound(): Response {
  return new Response('Not found', { status: 404 });
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const ticket = ticketForToken(context.tickets.db, params.token ?? '');
  if (!ticket) throw notFound();
  const lang = requestLanguage(request);
  const view = clientView(context.tickets.db, ticket);
  const decisionBy = view.acceptsFollowUps ? expectedDecisionBy(context.tickets.db, ticket.id) : null;
  return {
    submissionId: newSubmissionId(),
    reference: ticket.reference,
    kind: ticket.kind,
    product: ticket.product ? productLabels[lang][ticket.product] : null,
    cause: ticket.cause ? causeLabels[lang][ticket.cause] : null,
    status: statusText(lang, view.status),
    received: formatDateTime(lang, ticket.createdAt),
    /** The resolution target of the ticket's SLA policy: the date by which the client can expect a decision. */
    expectedDecisionBy: decisionBy ? formatDateTime(lang, decisionBy.dueAt) : null,
    events: view.events.map((e) => ({ id: e.id, text: eventText(lang, e), at: formatDateTime(lang, e.at), iso: e.at.toISOString() })),
    messages: view.messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      text: m.text,
      at: formatDateTime(lang, m.at),
      iso: m.at.toISOString(),
      attachments: m.attachments,
    })),
    acceptsFollowUps: view.acceptsFollowUps,
  };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? '';
  const ticket = ticketForToken(context.tickets.db, token);
  if (!ticket) throw notFound();
  const form = await readPortalForm(request);
  const submission = parseWithZod(form.formData, { schema: followUpSchema });
  const refused = refusal(submission, form, 'attachments');
  if (refused) return data(refused.result, { status: refused.status });
  if (submission.status !== 'success') throw new Error('refusal() covers every failed submission');
  if (ticket.status === 'closed') {
    return data(submission.reply({ formErrors: [formError('form.error.closed')] }), { status: 409 });
  }
  const value = submission.value;
  const sent = await unlessStorageFails(request, () => submitFollowUp(context.tickets, value, { token, language: requestLanguage(request), now: context.now() }));
  context.kickOutbox();
  return redirect(sent.created ? `/track/${sent.token}/sent` : `/track/${token}?added=1#messages`);
}

export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });

export default function TrackingPage() {
  const d = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const t = useT();

  return (
    <>
      <h1>{t('track.title', { reference: d.reference })}</h1>
      <section className="panel" aria-labelledby="status-title">
        <h2 id="status-title" className="visually-hidden">
          {t('track.status')}
        </h2>
        <dl className="facts">
          <dt>{t('track.status')}</dt>
          <dd data-testid="status">{d.status}</dd>
          <dt>{t('track.received')}</dt>
          <dd>{d.received}</dd>
          {d.product ? (
            <>
              <dt>{t('form.product')}</dt>
              <dd>{d.product}</dd>
            </>
          ) : null}
          {d.cause ? (
            <>
              <dt>{t('form.cause')}</dt>
              <dd>{d.cause}</dd>
            </>
          ) : null}
          {d.expectedDecisionBy ? (
            <>
              <dt>{t('track.expectedBy')}</dt>
              <dd data-testid="expected-decision-by">{d.expectedDecisionBy}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('track.timeline')}</h2>
        <ol className="timeline">
          {d.events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.iso}>{e.at}</time> · {e.text}
            </li>
          ))}
        </ol>
      </section>

      <section className="panel" aria-labelledby="messages" id="thread">
        <h2 id="messages">{t('track.thread')}</h2>
        {search.get('added') ? (
          <p className="notice" role="status">
            {t('track.followUp.sent')}
          </p>
        ) : null}
        {d.messages.length === 0 ? <p>{t('track.noMessages')}</p> : null}
        {d.messages.map((m) => (
          <article key={m.id} className={`message ${m.direction}`} data-testid="message">
            <p className="meta">
              {m.direction === 'in' ? t('track.you') : t('track.us')} · <time dateTime={m.iso}>{m.at}</time>
            </p>
            <div className="body">{m.text}</div>
            {m.attachments.length > 0 ? (
              <div className="attachments">
                <p className="meta">{t('track.attachments')}</p>
                <ul>
                  {m.attachments.map((a) => (
                    <li key={a.id}>{a.filename}</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </article>
        ))}
      </section>

      {/* Keyed by the loader's fresh submission id: after a follow-up is added the form starts
          over with a new id, so the next message is not mistaken for a replay. */}
      {d.acceptsFollowUps ? <FollowUpForm key={d.submissionId} submissionId={d.submissionId} /> : <p className="panel">{t('track.closed')}</p>}
    </>
  );
}

function FollowUpForm({ submissionId }: { submissionId: string }) {
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const t = useT();
  const [form, fields] = useForm<z.input<typeof followUpSchema>, z.output<typeof followUpSchema>>({
    id: 'follow-up',
    lastResult,
    defaultValue: { submissionId },
    constraint: getZodConstraint(followUpSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: followUpSchema }),
  });

  return (
    <section className="panel" aria-labelledby="follow-up-title">
      <h2 id="follow-up-title">{t('track.followUp')}</h2>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
        <ErrorSummary show={lastResult?.status === 'error'}>
          <FieldErrors id={form.errorId} errors={form.errors} />
          <FieldErrors id={fields.submissionId.errorId} errors={fields.submissionId.errors} />
        </ErrorSummary>
        <input type="hidden" name={fields.submissionId.name} value={fields.submissionId.initialValue ?? submissionId} />
        <TextAreaField meta={fields.text} label={t('track.followUp.text')} required rows={5} />
        <FileField meta={fields.attachments} label={t('form.attachments')} hint={t('form.attachments.hint')} />
        <button type="submit" className="primary">
          {t('track.followUp.submit')}
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) => {
  const root = matches.find((m) => m.id === 'root')?.data as { lang?: 'zh' | 'en' } | undefined;
  const lang = root?.lang ?? 'zh';
  return [{ title: d ? `${translate(lang, 'track.title', { reference: d.reference })} · Redress` : 'Redress' }, { name: 'robots', content: 'noindex' }];
};
