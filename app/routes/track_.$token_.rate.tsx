// The client's rating of how their case was handled: 1–5 and a comment, through the link in
// the decision letter. The token is the authorization; one rating per ticket.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { writeTransaction } from '../../db/client';
import { findTicketById, findTicketIdByTokenHash } from '../../db/store/tickets';
import { insertRating, ratingOf } from '../../db/store/triage';
import { st } from '~/i18n/staff';
import { readPortalForm } from '~/portal/form-data.server';
import { hashToken } from '~/tickets/tracking-token.server';
import { unlessStorageFails } from '~/portal/storage-failure.server';

function ticketOf(context: LoaderFunctionArgs['context'], token: string | undefined) {
  if (!token || !/^[\w-]{20,100}$/.test(token)) return undefined;
  const id = findTicketIdByTokenHash(context.tickets.db, hashToken(token));
  return id === undefined ? undefined : findTicketById(context.tickets.db, id);
}

export async function loader({ context, params }: LoaderFunctionArgs) {
  const ticket = ticketOf(context, params.token);
  if (!ticket) throw new Response('Not found', { status: 404 });
  return data(
    { lang: ticket.language, reference: ticket.reference, rated: Boolean(ratingOf(context.tickets.db, ticket.id)) },
    { headers: { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } },
  );
}

const schema = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(2000).optional()),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ticket = ticketOf(context, params.token);
  if (!ticket) throw new Response('Not found', { status: 404 });
  const origin = request.headers.get('Origin');
  if (origin && origin !== 'null' && origin !== new URL(context.publicUrl).origin && origin !== new URL(request.url).origin) {
    return data({ ok: false, error: 'forbidden' }, { status: 403 });
  }
  // The portal's bounded reader: a broken or oversized body is a refusal, not a crash.
  const form = await readPortalForm(request);
  const parsed = schema.safeParse(Object.fromEntries(form.formData));
  if (form.tooLarge) return data({ ok: false, error: st(ticket.language, 'rate.score') }, { status: 413 });
  if (form.unreadable || !parsed.success) return data({ ok: false, error: st(ticket.language, 'rate.score') }, { status: 400 });
  const now = context.now();
  const { score, comment } = parsed.data;
  const stored = await unlessStorageFails(request, () =>
    writeTransaction(context.tickets.db, (tx) => insertRating(tx, { ticketId: ticket.id, score, comment: comment ?? null, now })),
  );
  return { ok: true, error: null, already: !stored };
}

export default function Rate() {
  const d = useLoaderData() as { lang: 'zh' | 'en'; reference: string; rated: boolean };
  const r = useActionData() as { ok: boolean; error: string | null; already?: boolean } | undefined;
  const t = (k: Parameters<typeof st>[1]) => st(d.lang, k);
  if (r?.ok) return <p className="panel" role="status">{r.already ? t('rate.already') : t('rate.thanks')}</p>;
  if (d.rated) return <p className="panel">{t('rate.already')}</p>;
  return (
    <section className="panel" lang={d.lang === 'zh' ? 'zh-CN' : 'en'}>
      <h1>{t('rate.title')}</h1>
      <p className="reference">{d.reference}</p>
      {r?.error ? <p className="form-error" role="alert">{r.error}</p> : null}
      <Form method="post">
        <fieldset className="field">
          <legend>{t('rate.score')}</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} style={{ marginRight: '1rem' }}>
              <input type="radio" name="score" value={n} required /> {n}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="comment">{t('rate.comment')}</label>
          <textarea id="comment" name="comment" maxLength={2000} />
        </div>
        <button type="submit" className="primary">
          {t('rate.submit')}
        </button>
      </Form>
    </section>
  );
}

export const meta: MetaFunction = () => [{ title: 'Redress' }, { name: 'robots', content: 'noindex' }];
