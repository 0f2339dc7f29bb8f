// Macros: canned answers in both languages with placeholders, kept by supervisors; every
// agent inserts them from the composer.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { deleteMacro, insertMacro, listMacros } from '../../db/store/triage';
import { CsrfField, useStaffT } from '~/components/staff-ui';
import { requireStaff } from '~/staff/guard.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'macros.manage' });
  return { macros: listMacros(context.tickets.db).map((m) => ({ id: m.id, title: m.title, zh: m.bodyZh, en: m.bodyEn })) };
}

const schema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('add'),
    title: z.string().trim().min(1).max(100),
    bodyZh: z.string().trim().min(1).max(5000),
    bodyEn: z.string().trim().min(1).max(5000),
  }),
  z.object({ intent: z.literal('delete'), id: z.coerce.number().int().positive() }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'macros.manage' });
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ ok: false }, { status: 400 });
  const db = context.tickets.db;
  if (parsed.data.intent === 'add') insertMacro(db, { ...parsed.data, createdBy: me.id, now: context.now() });
  else deleteMacro(db, parsed.data.id, context.now());
  return { ok: true };
}

export default function Macros() {
  const d = useLoaderData() as Awaited<ReturnType<typeof loader>>;
  const { t } = useStaffT();
  return (
    <section>
      <h1>{t('macros.title')}</h1>
      <p className="hint">{t('macros.help')}</p>
      <ul>
        {d.macros.map((m) => (
          <li key={m.id} className="panel">
            <strong>{m.title}</strong>
            <p lang="zh-CN">{m.zh}</p>
            <p lang="en">{m.en}</p>
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="id" value={m.id} />
              <button type="submit">{t('macros.delete')}</button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" className="panel stack" style={{ maxWidth: '44rem' }}>
        <CsrfField />
        <input type="hidden" name="intent" value="add" />
        <label>
          {t('macros.titleField')} <input name="title" required />
        </label>
        <label>
          {t('macros.bodyZh')}
          <textarea name="bodyZh" required style={{ width: '100%' }} />
        </label>
        <label>
          {t('macros.bodyEn')}
          <textarea name="bodyEn" required style={{ width: '100%' }} />
        </label>
        <button type="submit">{t('macros.add')}</button>
      </Form>
    </section>
  );
}
