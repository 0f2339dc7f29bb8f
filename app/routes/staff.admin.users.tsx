// Account administration (admins only; everyone else gets a 404): create accounts, change
// role, team and language, disable (which signs the person out everywhere) and add teams.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { writeTransaction } from '../../db/client';
import { LANGUAGES, STAFF_ROLES } from '../../db/constants';
import { findOrCreateTeam, listStaff, listTeams } from '../../db/store/staff';
import { ChoiceSelect, CsrfField, useStaffShell, useStaffT } from '~/components/staff-ui';
import { roleLabels } from '~/i18n/staff';
import { changeAccount, createStaffAccount, newAccountSchema, setAccountDisabled } from '~/staff/accounts.server';
import { requireStaff } from '~/staff/guard.server';
import { domainError } from '~/staff/respond.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'accounts.manage' });
  const db = context.tickets.db;
  return {
    users: listStaff(db).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, teamId: u.teamId, language: u.language, disabled: Boolean(u.disabledAt) })),
    teams: listTeams(db).map((t) => ({ id: t.id, name: t.name })),
  };
}

const teamId = z.preprocess((v) => (v === '' ? null : v), z.coerce.number().int().positive().nullable());
const actionSchema = z.discriminatedUnion('intent', [
  newAccountSchema.extend({ intent: z.literal('create'), teamId }),
  z.object({ intent: z.literal('update'), id: z.coerce.number().int().positive(), role: z.enum(STAFF_ROLES), teamId, language: z.enum(LANGUAGES) }),
  z.object({ intent: z.literal('disable'), id: z.coerce.number().int().positive(), disabled: z.enum(['0', '1']) }),
  z.object({ intent: z.literal('team'), name: z.string().trim().min(1).max(80) }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'accounts.manage' });
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return data({ ok: false, error: `${issue.path.join('.')}: ${issue.message}` }, { status: 400 });
  }
  const input = parsed.data;
  const db = context.tickets.db;
  const now = context.now();
  try {
    if (input.intent === 'create') await createStaffAccount(db, input, now);
    else if (input.intent === 'update') changeAccount(db, input.id, { role: input.role, teamId: input.teamId, language: input.language });
    else if (input.intent === 'disable') {
      if (input.id === me.id) return data({ ok: false, error: 'You cannot disable your own account.' }, { status: 400 });
      setAccountDisabled(db, input.id, input.disabled === '1', now);
    } else writeTransaction(db, (tx) => findOrCreateTeam(tx, input.name, now));
    return { ok: true, error: null };
  } catch (error) {
    return domainError(error);
  }
}

export default function Accounts() {
  const d = useLoaderData() as Awaited<ReturnType<typeof loader>>;
  const teamChoices = d.teams.map((team) => ({ value: team.id, label: team.name }));
  const result = useActionData() as { ok: boolean; error: string | null } | undefined;
  const { t, lang } = useStaffT();
  const shell = useStaffShell();
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>{t('admin.name')}</th>
            <th>{t('admin.email')}</th>
            <th>
              {t('admin.role')} / {t('admin.team')} / {t('admin.language')}
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {d.users.map((u) => (
            <tr key={u.id} data-user={u.email}>
              <td>
                {u.name} {u.disabled ? <em>({t('admin.disabled')})</em> : null}
              </td>
              <td>{u.email}</td>
              <td>
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="intent" value="update" />
                  <input type="hidden" name="id" value={u.id} />
                  <select name="role" defaultValue={u.role} aria-label={t('admin.role')}>
                    {STAFF_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {roleLabels[lang][r]}
                      </option>
                    ))}
                  </select>{' '}
                  <ChoiceSelect name="teamId" defaultValue={u.teamId} empty={t('admin.noTeam')} choices={teamChoices} label={t('admin.team')} />{' '}
                  <select name="language" defaultValue={u.language} aria-label={t('admin.language')}>
                    <option value="zh">中文</option>
                    <option value="en">English</option>
                  </select>{' '}
                  <button type="submit">{t('admin.save')}</button>
                </Form>
              </td>
              <td>
                {u.id !== shell.user.id ? (
                  <Form method="post">
                    <CsrfField />
                    <input type="hidden" name="intent" value="disable" />
                    <input type="hidden" name="id" value={u.id} />
                    <input type="hidden" name="disabled" value={u.disabled ? '0' : '1'} />
                    <button type="submit">{u.disabled ? t('admin.enable') : t('admin.disable')}</button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('admin.create')}</h2>
      <Form method="post" className="panel grid2" style={{ maxWidth: '44rem' }}>
        <CsrfField />
        <input type="hidden" name="intent" value="create" />
        <label>
          {t('admin.name')} <input name="name" required />
        </label>
        <label>
          {t('admin.email')} <input name="email" type="email" required />
        </label>
        <label>
          {t('admin.role')}{' '}
          <select name="role" defaultValue="agent">
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabels[lang][r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.team')}{' '}
          <ChoiceSelect name="teamId" empty={t('admin.noTeam')} choices={teamChoices} />
        </label>
        <label>
          {t('admin.language')}{' '}
          <select name="language" defaultValue="zh">
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          {t('admin.password')} <input name="password" type="password" minLength={12} required autoComplete="new-password" />
        </label>
        <button type="submit" className="primary">
          {t('admin.create')}
        </button>
      </Form>

      <Form method="post" className="panel" style={{ maxWidth: '44rem' }}>
        <CsrfField />
        <input type="hidden" name="intent" value="team" />
        <label>
          {t('admin.newTeam')} <input name="name" required maxLength={80} />
        </label>{' '}
        <button type="submit">{t('admin.addTeam')}</button>
      </Form>
    </section>
  );
}
