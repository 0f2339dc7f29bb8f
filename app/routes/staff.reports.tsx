// /staff/reports: where after-sales risk grows, for compliance, supervisors and administrators
// (agents get 404, like everything else a role may not see). The filters travel in the URL
// through a plain GET form, so a report is a link that can be bookmarked and sent; every chart
// is SVG drawn on the server with its numbers in a table beside it.
import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react';
import { CAUSES, CHANNELS, PRODUCTS, type Cause, type Product, type TicketKind } from '../../db/constants';
import { useStaffT } from '~/components/staff-ui';
import { causeLabels, productLabels } from '~/i18n/dictionary';
import { channelLabels, st, type StaffKey } from '~/i18n/staff';
import { ChartFigure, type ChartRow } from '~/insight/chart';
import { loadReportPage } from '~/insight/report-page.server';
import { parseReportParams } from '~/insight/report-params';
import { requireStaff } from '~/staff/guard.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'reports.view' });
  const now = context.now();
  const parsed = parseReportParams(new URL(request.url).searchParams, now);
  if (!parsed.ok) throw data({ message: parsed.message }, { status: 400 });
  const page = loadReportPage(context.tickets.db, { params: parsed.params, now, language: me.language });
  return { params: parsed.params, page, canSeeTickets: me.role !== 'admin' };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Breakdown = Data['page']['byChannel'];

function halfOf(day: string): string {
  return `${day.slice(0, 4)}H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`;
}

export default function Reports() {
  const { params, page, canSeeTickets } = useLoaderData<typeof loader>();
  const { lang, t } = useStaffT();
  const teamName = (id: number) => page.teams.find((x) => x.id === id)?.name ?? `#${id}`;
  const rowsOf = (list: Breakdown, label: (v: string | number) => string): ChartRow[] =>
    list.map((r) => ({ label: r.value === null ? t('reports.unknown') : label(r.value), value: r.opened }));
  const total = page.byKind.reduce((s, r) => s + r.opened, 0);
  const query = new URLSearchParams({ from: params.from, to: params.to }).toString();
  const half = halfOf(params.to);
  const figure = (title: StaffKey, rows: ChartRow[], labelHeader: StaffKey, testId: string) => (
    <ChartFigure title={t(title)} rows={rows} labelHeader={t(labelHeader)} valueHeader={t('reports.opened')} empty={t('reports.empty')} testId={testId} />
  );
  return (
    <main className="panel reports">
      <h1>{t('reports.title')}</h1>
      <Form method="get" className="report-filters" aria-label={t('queue.filters')}>
        <label>
          {t('reports.from')} <input type="date" name="from" defaultValue={params.from} required />
        </label>
        <label>
          {t('reports.to')} <input type="date" name="to" defaultValue={params.to} required />
        </label>
        <label>
          {t('filter.team')}{' '}
          <select name="team" defaultValue={params.teamId ?? ''}>
            <option value="">{t('filter.any')}</option>
            {page.teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.channel')}{' '}
          <select name="channel" defaultValue={params.channel ?? ''}>
            <option value="">{t('filter.any')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelLabels[lang][c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.product')}{' '}
          <select name="product" defaultValue={params.product ?? ''}>
            <option value="">{t('filter.any')}</option>
            {PRODUCTS.map((p) => (
              <option key={p} value={p}>
                {productLabels[lang][p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.cause')}{' '}
          <select name="cause" defaultValue={params.cause ?? ''}>
            <option value="">{t('filter.any')}</option>
            {CAUSES.map((c) => (
              <option key={c} value={c}>
                {causeLabels[lang][c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.by')}{' '}
          <select name="by" defaultValue={params.by}>
            <option value="day">{t('reports.byDay')}</option>
            <option value="week">{t('reports.byWeek')}</option>
          </select>
        </label>
        <button type="submit">{t('reports.apply')}</button>
      </Form>

      <section aria-labelledby="r-volume">
        <h2 id="r-volume">{t('reports.volumeSection')}</h2>
        <p data-total={total}>{t('reports.total', { n: total })}</p>
        <ChartFigure
          title={t(params.by === 'week' ? 'reports.volumeByWeek' : 'reports.volumeByDay')}
          kind="columns"
          rows={page.volume.map((v) => ({ label: v.label, value: v.opened }))}
          labelHeader={t(params.by === 'week' ? 'reports.week' : 'reports.day')}
          valueHeader={t('reports.opened')}
          empty={t('reports.empty')}
          testId="volume"
        />
        {figure('reports.byChannel', rowsOf(page.byChannel, (v) => channelLabels[lang][v as keyof (typeof channelLabels)['en']] ?? String(v)), 'filter.channel', 'channel')}
        {figure('reports.byProduct', rowsOf(page.byProduct, (v) => productLabels[lang][v as Product] ?? String(v)), 'filter.product', 'product')}
        {figure('reports.byCause', rowsOf(page.byCause, (v) => causeLabels[lang][v as Cause] ?? String(v)), 'filter.cause', 'cause')}
        {figure('reports.byKind', rowsOf(page.byKind, (v) => t(`reports.kind.${v as TicketKind}`)), 'filter.kind', 'kind')}
      </section>

      <section aria-labelledby="r-backlog">
        <h2 id="r-backlog">{t('reports.backlog')}</h2>
        <p>{t('reports.backlogNote')}</p>
        <ChartFigure
          title={t('reports.backlog')}
          rows={page.backlog.map((b) => ({
            label: b.toDays === null ? t('reports.ageOldest', { from: b.fromDays }) : t('reports.ageBand', { from: b.fromDays, to: b.toDays - 1 }),
            value: b.open,
          }))}
          labelHeader={t('reports.age')}
          valueHeader={t('reports.open')}
          empty={t('reports.empty')}
          testId="backlog"
        />
      </section>

      <section aria-labelledby="r-alerts">
        <h2 id="r-alerts">{t('reports.alerts')}</h2>
        {page.alerts.length === 0 ? (
          <p>{t('reports.noAlerts')}</p>
        ) : (
          <ul className="report-alerts">
            {page.alerts.map((a) => (
              <li key={a.id} data-alert={a.id}>
                <strong>{a.headline}</strong> <span>{t('reports.alertWindow', { from: a.windowFrom, to: a.windowLast })}</span>{' '}
                <span>{t('reports.alertTickets', { n: a.totalTickets })}</span>
                <p>
                  {a.references.map((ref, i) => (
                    <span key={ref}>
                      {i > 0 ? ', ' : ''}
                      {canSeeTickets ? <Link to={`/staff/tickets/${ref}`}>{ref}</Link> : ref}
                    </span>
                  ))}
                  {a.totalTickets > a.references.length ? ` ${t('reports.alertMore', { n: a.totalTickets - a.references.length })}` : null}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="r-exports">
        <h2 id="r-exports">{t('reports.exports')}</h2>
        <ul>
          <li>
            <a href={`/staff/reports/tickets.csv?${query}`} download>
              {t('reports.exportTickets')}
            </a>
          </li>
          <li>
            <a href={`/staff/reports/return.csv?half=${half}&regime=fca`} download>
              {t('reports.returnFca', { half })}
            </a>
          </li>
          <li>
            <a href={`/staff/reports/return.csv?half=${half}&regime=cn`} download>
              {t('reports.returnCn', { half })}
            </a>
          </li>
        </ul>
      </section>
    </main>
  );
}

export const meta: MetaFunction = () => [{ title: 'Redress · Reports / 报表' }];

export function ErrorBoundary() {
  const error = useRouteError();
  const { lang, t } = useStaffT();
  if (isRouteErrorResponse(error) && error.status === 400) {
    const message = (error.data as { message?: string } | undefined)?.message ?? '';
    return (
      <section className="panel" role="alert">
        <h1>{t('reports.title')}</h1>
        <p>{t('reports.badFilter', { message })}</p>
        <Link to="/staff/reports">{t('reports.title')}</Link>
      </section>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <section className="panel" role="alert">
      <h1>{st(lang, 'error.title')}</h1>
      <p>{st(lang, status === 404 ? 'error.notFound' : 'error.generic')}</p>
    </section>
  );
}
