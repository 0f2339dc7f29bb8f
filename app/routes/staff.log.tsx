// "Log a call or branch visit": staff open a ticket for a client on channel phone or branch,
// with the web form's fields, through the same intake() as every channel. The form id makes a
// double submit open one ticket, not two.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { CAUSES, PRODUCTS, TICKET_KINDS } from '../../db/constants';
import { CsrfField, useStaffT } from '~/components/staff-ui';
import { causeLabels, productLabels } from '~/i18n/dictionary';
import { requireStaff } from '~/staff/guard.server';
import { domainError } from '~/staff/respond.server';
import { logContact, newFormId } from '~/staff/triage.server';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const schema = z.object({
  formId: z.string().regex(/^[\w-]{8,40}$/),
  channel: z.enum(['phone', 'branch']),
  kind: z.enum(TICKET_KINDS).default('complaint'),
  name: z.string().trim().min(1, 'Enter the client’s name').max(100),
  email: z.preprocess(blank, z.email('Not an email address').max(320).optional()),
  phone: z.preprocess(blank, z.string().max(40).optional()),
  subject: z.preprocess(blank, z.string().trim().max(200).optional()),
  text: z.string().trim().min(1, 'Write what the client told us').max(10_000),
  product: z.preprocess(blank, z.enum(PRODUCTS).optional()),
  cause: z.preprocess(blank, z.enum(CAUSES).optional()),
  language: z.enum(['zh', 'en']).default('zh'),
  consent: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'tickets.work' });
  return { formId: newFormId() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.work' });
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return data({ error: `${issue.path.join('.')}: ${issue.message}` }, { status: 400 });
  }
  const f = parsed.data;
  let phone: string | null = null;
  if (f.phone) {
    const number = parsePhoneNumberFromString(f.phone, context.defaultPhoneRegion);
    if (!number?.isValid()) return data({ error: 'phone: Not a valid phone number' }, { status: 400 });
    phone = number.number;
  }
  try {
    const result = logContact(context.tickets, { id: me.id, role: me.role, teamId: me.teamId, name: me.name }, {
      channel: f.channel,
      formId: f.formId,
      name: f.name,
      email: f.email?.toLowerCase() ?? null,
      phone,
      subject: f.subject ?? null,
      text: f.text,
      fields: { kind: f.kind, product: f.product ?? null, cause: f.cause ?? null, consentToContact: Boolean(f.consent) },
      language: f.language,
      now: context.now(),
    });
    context.kickOutbox();
    context.live.poke();
    return redirect(`/staff/tickets/${result.reference}`);
  } catch (error) {
    return domainError(error);
  }
}

export default function LogContact() {
  const { formId } = useLoaderData() as { formId: string };
  const result = useActionData() as { error?: string } | undefined;
  const { t, lang } = useStaffT();
  return (
    <section className="panel" style={{ maxWidth: '44rem' }}>
      <h1>{t('log.title')}</h1>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <Form method="post">
        <CsrfField />
        <input type="hidden" name="formId" value={formId} />
        <fieldset className="field">
          <legend>{t('log.channel')}</legend>
          <label>
            <input type="radio" name="channel" value="phone" defaultChecked /> {t('log.phone')}
          </label>{' '}
          <label>
            <input type="radio" name="channel" value="branch" /> {t('log.branch')}
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="kind">{t('log.kind')}</label>
          <select id="kind" name="kind" defaultValue="complaint">
            {TICKET_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="name">{t('log.name')}</label>
          <input id="name" name="name" type="text" required />
        </div>
        <div className="field">
          <label htmlFor="email">{t('log.email')}</label>
          <input id="email" name="email" type="email" />
        </div>
        <div className="field">
          <label htmlFor="phone">{t('log.phoneNumber')}</label>
          <input id="phone" name="phone" type="tel" />
        </div>
        <div className="field">
          <label htmlFor="product">{t('col.product')}</label>
          <select id="product" name="product" defaultValue="">
            <option value="">—</option>
            {PRODUCTS.map((p) => (
              <option key={p} value={p}>
                {productLabels[lang][p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cause">{t('filter.cause')}</label>
          <select id="cause" name="cause" defaultValue="">
            <option value="">—</option>
            {CAUSES.map((c) => (
              <option key={c} value={c}>
                {causeLabels[lang][c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="subject">{t('log.subject')}</label>
          <input id="subject" name="subject" type="text" />
        </div>
        <div className="field">
          <label htmlFor="text">{t('log.text')}</label>
          <textarea id="text" name="text" required />
        </div>
        <input type="hidden" name="language" value={lang} />
        <div className="field">
          <label>
            <input type="checkbox" name="consent" value="1" /> {t('log.consent')}
          </label>
        </div>
        <button type="submit" className="primary">
          {t('log.submit')}
        </button>
      </Form>
    </section>
  );
}
