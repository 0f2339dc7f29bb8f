// The staff layout: every page under /staff renders inside it. Its loader is the session
// check shared by all of them (each child still guards its own loader and action).
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, isRouteErrorResponse, Link, NavLink, Outlet, useRouteError, useRouteLoaderData } from '@remix-run/react';
import { CsrfField, type StaffShellData } from '~/components/staff-ui';
import { st } from '~/i18n/staff';
import { requireStaff } from '~/staff/guard.server';
import { can, PERMISSIONS, type Permission } from '~/staff/permissions';
import staffStyles from '~/styles/staff.css?url';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: staffStyles }];

export async function loader({ request, context }: LoaderFunctionArgs): Promise<StaffShellData> {
  const me = await requireStaff(request, context);
  const perms = Object.fromEntries((Object.keys(PERMISSIONS) as Permission[]).map((p) => [p, can(me.role, p)]));
  return {
    user: { id: me.id, name: me.name, role: me.role, language: me.language, teamId: me.teamId },
    csrf: me.csrfToken,
    perms,
  };
}

export default function StaffLayout() {
  const data = useRouteLoaderData<typeof loader>('routes/staff')!;
  const lang = data.user.language;
  return (
    <div className="staff-shell" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <nav className="staff-nav" aria-label={st(lang, 'staff.title')}>
        {data.perms['tickets.view'] ? (
          <>
            <NavLink to="/staff" end>
              {st(lang, 'nav.queue')}
            </NavLink>
            <NavLink to="/staff/log">{st(lang, 'nav.log')}</NavLink>
          </>
        ) : null}
        {data.perms['reports.view'] ? <NavLink to="/staff/reports">{st(lang, 'nav.reports')}</NavLink> : null}
        {data.perms['macros.manage'] ? <NavLink to="/staff/macros">{st(lang, 'nav.macros')}</NavLink> : null}
        {data.perms['accounts.manage'] ? <NavLink to="/staff/admin/users">{st(lang, 'nav.accounts')}</NavLink> : null}
        {data.perms['rules.manage'] ? <NavLink to="/staff/admin/rules">{st(lang, 'nav.rules')}</NavLink> : null}
        <span className="who">{data.user.name}</span>
        <Form method="post" action="/staff/logout">
          <CsrfField />
          <button type="submit" className="linklike">
            {st(lang, 'nav.signout')}
          </button>
        </Form>
      </nav>
      <Outlet />
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: 'Redress staff' }, { name: 'robots', content: 'noindex' }];

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('routes/staff');
  const lang = data?.user.language ?? 'zh';
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 404 ? 'error.notFound' : status === 403 ? 'error.forbidden' : 'error.generic';
  return (
    <section className="panel" role="alert">
      <h1>{st(lang, 'error.title')}</h1>
      <p>{st(lang, key)}</p>
      <Link to="/staff">{st(lang, 'nav.queue')}</Link>
    </section>
  );
}
