// /staff/reports: where after-sales risk grows, for compliance, supervisors and administrators
// (agents get 404, like everything else a role may not see). The filters travel in the URL
// through a plain GET form, so a report is a link that can be bookmarked and sent; every chart
// is SVG drawn on the server with its numbers in a table beside it.
import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react';
import { CAUSES, CHANNELS, PRODUCTS, type Cause, type Product, type TicketKind } from '../../db/constants';
import { choicesOf, ChoiceSelect, useStaffT } from '~/components/staff-ui';
import { causeLabels, productLabels } from '~/i18n/dictionary';
import { channelLabels, formatDuration, staffDictionary, outcomeLabels, rootCauseLabels, st, type StaffKey } from '~/i18n/staff';
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

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const money = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function halfOf(day: string): string {
  return `${day.slice(0, 4)}H${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`;
}

export default function Reports() {
  const { params, page, canSeeTickets } = useLoaderData<typeof loader>();
  const { lang, t } = useStaffT();
  const staffWords = staffDictionary[lang];
  const teamName = (id: number) => page.teams.find((x) => x.id === id)?.name ?? `#${id}`;
  const rowsOf = (list: Breakdown, label: (v: string | number) => string): ChartRow[] =>
    list.map((r) => ({ label: r.value === null ? t('reports.unknown') : label(r.value), value: r.opened }));
  const total = page.byKind.reduce((s, r) => s + r.opened, 0);
  const query = new URLSearchParams({ from: params.from, to: params.to }).toString();
  const half = halfOf(params.to);
  const figure = (title: StaffKey, rows: ChartRow[], labelHeader: StaffKey, testId: string, valueHeader: StaffKey = 'reports.opened') => (
    <ChartFigure title={t(title)} rows={rows} labelHeader={t(labelHeader)} valueHeader={t(valueHeader)} empty={t('reports.empty')} testId={testId} />
  );
  const target = (x: string) => t(`reports.target.${x}` as StaffKey);
  const team = (id: number | null) => (id === null ? t('reports.noTeam') : teamName(id));
  const agent = (id: number | null) => (id === null ? t('reports.none') : (page.agents.find((a) => a.id === id)?.name ?? `#${id}`));
  const policy = (id: number) => page.policies.find((p) => p.id === id)?.name ?? `#${id}`;
  const flagLabel = (flag: string) => {
    const key = `reports.flag.${flag}`;
    return key in staffWords ? t(key as StaffKey) : flag;
  };
  const took = (ms: number | null) => (ms === null ? t('reports.none') : ms === Infinity ? t('reports.beyond') : t('reports.upTo', { d: formatDuration(ms, lang) }));
  const rating = (x: number | null) => (x === null ? t('reports.none') : x.toFixed(2));
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
          <ChoiceSelect name="team" defaultValue={params.teamId} empty={t('filter.any')} choices={page.teams.map((team) => ({ value: team.id, label: team.name }))} />
        </label>
        <label>
          {t('filter.channel')}{' '}
          <ChoiceSelect name="channel" defaultValue={params.channel} empty={t('filter.any')} choices={choicesOf(CHANNELS, channelLabels[lang])} />
        </label>
        <label>
          {t('filter.product')}{' '}
          <ChoiceSelect name="product" defaultValue={params.product} empty={t('filter.any')} choices={choicesOf(PRODUCTS, productLabels[lang])} />
        </label>
        <label>
          {t('filter.cause')}{' '}
          <ChoiceSelect name="cause" defaultValue={params.cause} empty={t('filter.any')} choices={choicesOf(CAUSES, causeLabels[lang])} />
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

      <section aria-labelledby="r-sla">
        <h2 id="r-sla">{t('reports.slaSection')}</h2>
        <p>{t('reports.slaNote')}</p>
        {figure(
          'reports.slaByTarget',
          page.sla.byTarget.map((r) => ({ label: target(r.target), value: Math.round((r.share ?? 0) * 1000) / 10, display: `${percent(r.share)} (${r.met} / ${r.met + r.late})` })),
          'reports.target',
          'sla-target',
          'reports.share',
        )}
        <table className="report-table" data-table="sla-policy">
          <caption>{t('reports.slaByPolicy')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.policy')}</th>
              <th scope="col">{t('reports.target')}</th>
              <th scope="col">{t('reports.metOnTime')}</th>
              <th scope="col">{t('reports.metLate')}</th>
              <th scope="col">{t('reports.share')}</th>
            </tr>
          </thead>
          <tbody>
            {page.sla.byPolicy.map((r) => (
              <tr key={`${r.policyId}:${r.target}`}>
                <th scope="row">{policy(r.policyId)}</th>
                <td>{target(r.target)}</td>
                <td>{r.met}</td>
                <td>{r.late}</td>
                <td>{percent(r.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="report-table" data-table="sla-times">
          <caption>{t('reports.times')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.target')}</th>
              <th scope="col">{t('reports.measured')}</th>
              <th scope="col">{t('reports.median')}</th>
              <th scope="col">{t('reports.p90')}</th>
            </tr>
          </thead>
          <tbody>
            {page.sla.times.map((r) => (
              <tr key={r.target}>
                <th scope="row">{target(r.target)}</th>
                <td>{r.n}</td>
                <td>{took(r.median)}</td>
                <td>{took(r.p90)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>{t('reports.timesNote')}</p>
        {figure('reports.breachesByTeam', page.sla.breachesByTeam.map((r) => ({ label: team(r.teamId), value: r.breaches })), 'reports.team', 'breaches', 'reports.breaches')}
      </section>

      <section aria-labelledby="r-outcomes">
        <h2 id="r-outcomes">{t('reports.outcomesSection')}</h2>
        <p data-upheld={page.outcomes.upheld}>{t('reports.upheldRate', { rate: percent(page.outcomes.upheldRate), n: page.outcomes.reviews })}</p>
        {figure('reports.byOutcome', page.outcomes.byOutcome.map((r) => ({ label: outcomeLabels[lang][r.outcome] ?? r.outcome, value: r.n })), 'reports.outcome', 'outcome', 'reports.reviews')}
        {figure(
          'reports.redressByProduct',
          page.outcomes.redressByProduct.map((r) => ({
            label: r.product === null ? t('reports.unknown') : (productLabels[lang][r.product as Product] ?? r.product),
            value: r.redressMinor,
            display: money(r.redressMinor),
          })),
          'filter.product',
          'redress',
          'reports.redress',
        )}
        {figure('reports.rootCauses', page.outcomes.rootCauses.map((r) => ({ label: rootCauseLabels[lang][r.rootCause] ?? r.rootCause, value: r.n })), 'reports.rootCause', 'root-cause', 'reports.reviews')}
        <h3>{t('reports.lessons')}</h3>
        <Form method="get" role="search" aria-label={t('reports.lessonSearch')}>
          {(['from', 'to', 'channel', 'product', 'cause', 'by'] as const).map((k) =>
            params[k] ? <input key={k} type="hidden" name={k} value={params[k]} /> : null,
          )}
          {params.teamId ? <input type="hidden" name="team" value={params.teamId} /> : null}
          <label>
            {t('reports.lessonSearch')} <input type="search" name="q" defaultValue={params.q ?? ''} maxLength={200} />
          </label>{' '}
          <button type="submit">{t('reports.search')}</button>
        </Form>
        {page.lessons.length === 0 ? (
          <p>{t('reports.noLessons')}</p>
        ) : (
          <table className="report-table" data-table="lessons">
            <thead>
              <tr>
                <th scope="col">{t('reports.date')}</th>
                <th scope="col">{t('col.reference')}</th>
                <th scope="col">{t('filter.product')}</th>
                <th scope="col">{t('reports.outcome')}</th>
                <th scope="col">{t('reports.rootCause')}</th>
                <th scope="col">{t('reports.lessons')}</th>
              </tr>
            </thead>
            <tbody>
              {page.lessons.map((l) => (
                <tr key={`${l.reference}:${l.createdAt}`}>
                  <td>{l.createdAt.slice(0, 10)}</td>
                  <td>{canSeeTickets ? <Link to={`/staff/tickets/${l.reference}`}>{l.reference}</Link> : l.reference}</td>
                  <td>{l.product === null ? t('reports.unknown') : (productLabels[lang][l.product as Product] ?? l.product)}</td>
                  <td>{outcomeLabels[lang][l.outcome] ?? l.outcome}</td>
                  <td>{rootCauseLabels[lang][l.rootCause] ?? l.rootCause}</td>
                  <td>{l.lesson}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="r-risk">
        <h2 id="r-risk">{t('reports.riskSection')}</h2>
        {figure('reports.escalationsByLevel', page.risk.escalationsByLevel.map((r) => ({ label: t('reports.levelN', { n: r.level }), value: r.n })), 'reports.level', 'escalation', 'reports.escalations')}
        {figure('reports.flags', page.risk.flags.map((r) => ({ label: flagLabel(r.flag), value: r.n })), 'reports.flag', 'flags', 'reports.tickets')}
        {figure(
          'reports.suitabilityByProduct',
          page.risk.suitabilityByProduct.map((r) => ({ label: r.product === null ? t('reports.unknown') : (productLabels[lang][r.product as Product] ?? r.product), value: r.n })),
          'filter.product',
          'suitability-product',
          'reports.tickets',
        )}
        {figure(
          'reports.suitabilityByChannel',
          page.risk.suitabilityBySalesChannel.map((r) => ({ label: r.salesChannel ?? t('reports.unknown'), value: r.n })),
          'reports.salesChannel',
          'suitability-channel',
          'reports.tickets',
        )}
      </section>

      <section aria-labelledby="r-satisfaction">
        <h2 id="r-satisfaction">{t('reports.satisfactionSection')}</h2>
        <p data-ratings={page.satisfaction.ratings}>{t('reports.averageRating', { avg: rating(page.satisfaction.average), n: page.satisfaction.ratings })}</p>
        {figure(
          'reports.ratingByTeam',
          page.satisfaction.byTeam.map((r) => ({ label: team(r.teamId), value: r.average, display: `${r.average.toFixed(2)} (${r.ratings})` })),
          'reports.team',
          'rating-team',
          'reports.rating',
        )}
        {figure(
          'reports.ratingByAgent',
          page.staffQuality.filter((a) => a.averageRating !== null).map((a) => ({ label: agent(a.agentId), value: a.averageRating!, display: `${a.averageRating!.toFixed(2)} (${a.ratings})` })),
          'reports.agent',
          'rating-agent',
          'reports.rating',
        )}
        <h3>{t('reports.comments')}</h3>
        {page.comments.length === 0 ? (
          <p>{t('reports.noComments')}</p>
        ) : (
          <table className="report-table" data-table="comments">
            <thead>
              <tr>
                <th scope="col">{t('reports.date')}</th>
                <th scope="col">{t('col.reference')}</th>
                <th scope="col">{t('reports.team')}</th>
                <th scope="col">{t('reports.agent')}</th>
                <th scope="col">{t('reports.score')}</th>
                <th scope="col">{t('reports.comment')}</th>
              </tr>
            </thead>
            <tbody>
              {page.comments.map((c) => (
                <tr key={c.reference}>
                  <td>{c.createdAt.slice(0, 10)}</td>
                  <td>{c.reference}</td>
                  <td>{team(c.teamId)}</td>
                  <td>{agent(c.assigneeId)}</td>
                  <td>{c.score}</td>
                  <td>{c.comment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="r-staff">
        <h2 id="r-staff">{t('reports.staffSection')}</h2>
        <p>{t('reports.staffNote')}</p>
        {page.staffQuality.length === 0 ? (
          <p>{t('reports.empty')}</p>
        ) : (
          <table className="report-table" data-table="staff-quality">
            <thead>
              <tr>
                <th scope="col">{t('reports.agent')}</th>
                <th scope="col">{t('reports.handled')}</th>
                <th scope="col">{t('reports.reopened')}</th>
                <th scope="col">{t('reports.reopenedRate')}</th>
                <th scope="col">{t('reports.breaches')}</th>
                <th scope="col">{t('reports.ratings')}</th>
                <th scope="col">{t('reports.rating')}</th>
              </tr>
            </thead>
            <tbody>
              {page.staffQuality.map((a) => (
                <tr key={a.agentId} data-agent={agent(a.agentId)}>
                  <th scope="row">{agent(a.agentId)}</th>
                  <td>{a.handled}</td>
                  <td>{a.reopened}</td>
                  <td>{percent(a.reopenedRate)}</td>
                  <td>{a.breaches}</td>
                  <td>{a.ratings}</td>
                  <td>{rating(a.averageRating)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
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
