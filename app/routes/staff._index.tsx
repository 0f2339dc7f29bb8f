// The queue: built-in views with bounded counts, filters and search in the URL, keyset pages
// sorted by SLA due, bulk actions on a selection, live updates and the keyboard.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, useActionData, useFetcher, useLoaderData, useLocation, useNavigate, useRevalidator, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { writeTransaction } from '../../db/client';
import { CAUSES, CHANNELS, PRIORITIES, PRODUCTS, TICKET_KINDS, TICKET_STATUSES, type Language, type TicketStatus } from '../../db/constants';
import { COUNT_CAP, QUEUE_SORTS, QUEUE_VIEWS, SLA_STATES, type QueueView } from '../../db/queue-constants';
import { countDelayedOutbox } from '../../db/store/outbox';
import {
  countViews,
  queuePage,
  queueRows,
  searchTickets,
  sortSpec,
  type QueueRow,
} from '../../db/store/queue';
import { deleteSavedView, listActiveStaff, listSavedViews, listTeams, renameSavedView, saveView } from '../../db/store/staff';
import { choicesOf, ChoiceSelect, CsrfField, SlaChip, useStaffT } from '~/components/staff-ui';
import { causeLabels, productLabels } from '~/i18n/dictionary';
import { channelLabels, priorityLabels, statusLabels, type StaffKey } from '~/i18n/staff';
import { requireStaff, notFound } from '~/staff/guard.server';
import { can } from '~/staff/permissions';
import { decodeCursor, defaultSort, encodeCursor, filtersOf, parseQueueParams } from '~/staff/queue-params';
import { domainError } from '~/staff/respond.server';
import { assignInTx, setPriorityInTx, visibleTicket, type Actor } from '~/staff/triage.server';
import { changeStatusInTx } from '~/tickets/status.server';

export const PAGE_SIZE = 50;

interface QueueData {
  view: QueueView;
  sort: string;
  q: string;
  params: Record<string, string>;
  rows: QueueRow[];
  next: string | null;
  isFirstPage: boolean;
  counts: Record<QueueView, number>;
  savedViews: { id: number; name: string; query: string }[];
  staff: { id: number; name: string }[];
  teams: { id: number; name: string }[];
  now: number;
  shortSearch: boolean;
  /** Notifications that failed at least once and are being retried (a provider is down). */
  delayedDeliveries: number;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  if (!can(me.role, 'tickets.view')) {
    if (can(me.role, 'accounts.manage')) throw redirect('/staff/admin/users');
    throw notFound();
  }
  const url = new URL(request.url);
  const p = parseQueueParams(url.searchParams);
  const db = context.tickets.db;
  const now = context.now();
  const scope = { userId: me.id, teamId: me.teamId, restricted: !can(me.role, 'tickets.viewAll') };
  const filters = filtersOf(p);
  const sort = p.sort ?? defaultSort(p.view);
  let ids: number[];
  let next: string | null;
  if (p.q) {
    const before = decodeCursor(p.cursor)?.[0] ?? null;
    const found = searchTickets(db, { text: p.q, view: p.view, filters, scope, beforeId: before, limit: PAGE_SIZE, now });
    ids = found.ids;
    next = found.next === null ? null : encodeCursor([found.next]);
  } else {
    const cursor = decodeCursor(p.cursor);
    const page = queuePage(db, { view: p.view, sort, filters, scope, cursor: cursor?.length === sortSpec(sort).keys.length + 1 ? cursor : null, limit: PAGE_SIZE, now });
    ids = page.ids;
    next = page.next ? encodeCursor(page.next) : null;
  }
  const result: QueueData = {
    view: p.view,
    sort,
    q: p.q ?? '',
    params: Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'cursor')),
    rows: queueRows(db, ids),
    next,
    isFirstPage: !p.cursor,
    counts: countViews(db, QUEUE_VIEWS, scope, now),
    savedViews: listSavedViews(db, me.id).map((v) => ({ id: v.id, name: v.name, query: v.query })),
    staff: listActiveStaff(db).filter((s) => s.role !== 'admin'),
    teams: listTeams(db).map((t) => ({ id: t.id, name: t.name })),
    now: now.getTime(),
    shortSearch: Boolean(p.q && [...p.q].length < 3),
    delayedDeliveries: countDelayedOutbox(db),
  };
  return data(result, { headers: { 'Cache-Control': 'no-store' } });
}

const bulkSchema = z.object({
  intent: z.literal('bulk'),
  ids: z.array(z.coerce.number().int().positive()).min(1).max(200),
  op: z.enum(['assignMe', 'priority', 'status']),
  priority: z.enum(PRIORITIES).optional(),
  status: z.enum(TICKET_STATUSES).exclude(['resolved']).optional(),
});
const saveSchema = z.object({
  intent: z.literal('saveView'),
  name: z.string().trim().min(1).max(60),
  query: z.string().max(2000),
});
const deleteSchema = z.object({ intent: z.literal('deleteView'), id: z.coerce.number().int().positive() });
const renameSchema = z.object({ intent: z.literal('renameView'), id: z.coerce.number().int().positive(), name: z.string().trim().min(1).max(60) });
const actionSchema = z.discriminatedUnion('intent', [bulkSchema, saveSchema, deleteSchema, renameSchema]);

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.view' });
  const form = await request.formData();
  const parsed = actionSchema.safeParse({ ...Object.fromEntries(form), ids: form.getAll('ids') });
  if (!parsed.success) return data({ ok: false, error: parsed.error.issues[0]?.message ?? 'Invalid request' }, { status: 400 });
  const input = parsed.data;
  const now = context.now();
  const db = context.tickets.db;
  const actor: Actor = { id: me.id, role: me.role, teamId: me.teamId, name: me.name };
  try {
    if (input.intent === 'saveView') {
      const query = new URLSearchParams(input.query.replace(/^\?/, ''));
      query.delete('cursor');
      saveView(db, { userId: me.id, name: input.name, query: query.toString(), now });
      return { ok: true };
    }
    // Only the user's own views: another user's id is "not found", as if it did not exist.
    if (input.intent === 'deleteView') {
      if (!deleteSavedView(db, me.id, input.id)) throw notFound();
      return { ok: true };
    }
    if (input.intent === 'renameView') {
      const outcome = renameSavedView(db, { userId: me.id, id: input.id, name: input.name });
      if (outcome === 'missing') throw notFound();
      if (outcome === 'taken') return data({ ok: false, error: `You already have a view named “${input.name}”.` }, { status: 409 });
      return { ok: true };
    }
    if (!can(me.role, 'tickets.work')) throw notFound();
    // The whole selection changes, or none of it does.
    writeTransaction(db, (tx) => {
      for (const id of input.ids) {
        if (input.op === 'assignMe') assignInTx(tx, actor, id, { kind: 'me' }, now);
        else if (input.op === 'priority' && input.priority) setPriorityInTx(tx, actor, id, input.priority, now);
        else if (input.op === 'status' && input.status) {
          visibleTicket(tx, actor, id);
          changeStatusInTx(context.tickets, tx, { ticketId: id, to: input.status, actor: { type: 'staff', id: String(me.id) }, now });
        }
      }
    });
    context.live.poke();
    return { ok: true };
  } catch (error) {
    return domainError(error);
  }
}

/** The user's own saved views, each renamed or deleted in place. */
function ManageViews({ views }: { views: QueueData['savedViews'] }) {
  const { t } = useStaffT();
  const result = useActionData<{ ok: boolean; error?: string }>();
  return (
    <details data-manage-views>
      <summary>{t('gaps.manageViews')}</summary>
      {result && !result.ok && result.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <ul>
        {views.map((v) => (
          <li key={v.id} data-saved-view={v.name}>
            <Form method="post" style={{ display: 'inline' }}>
              <CsrfField />
              <input type="hidden" name="intent" value="renameView" />
              <input type="hidden" name="id" value={v.id} />
              <label>
                {t('gaps.viewName')} <input name="name" defaultValue={v.name} required maxLength={60} />
              </label>{' '}
              <button type="submit">{t('gaps.rename')}</button>
            </Form>{' '}
            <Form method="post" style={{ display: 'inline' }}>
              <CsrfField />
              <input type="hidden" name="intent" value="deleteView" />
              <input type="hidden" name="id" value={v.id} />
              <button type="submit">{t('gaps.deleteView')}</button>
            </Form>
          </li>
        ))}
      </ul>
    </details>
  );
}

function countLabel(n: number): string {
  return n > COUNT_CAP ? `${COUNT_CAP}+` : String(n);
}

function useLiveRevalidate(): boolean {
  const revalidator = useRevalidator();
  const [live, setLive] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    const source = new EventSource('/staff/events');
    source.addEventListener('open', () => setLive(true));
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('change', () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => revalidator.revalidate(), 250);
    });
    return () => {
      clearTimeout(timer.current);
      source.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return live;
}

export default function Queue() {
  const d = useLoaderData() as unknown as QueueData;
  const { t, lang } = useStaffT();
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const live = useLiveRevalidate();
  const bulk = useFetcher<{ ok: boolean; error?: string }>();
  const assignOne = useFetcher();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [focusId, setFocusId] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const seen = useRef<Set<number> | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());

  // Rows that arrive through a live update are highlighted briefly; selection and focus are kept by id.
  useEffect(() => {
    const ids = new Set(d.rows.map((r) => r.id));
    if (seen.current) setFresh(new Set([...ids].filter((id) => !seen.current!.has(id))));
    seen.current = ids;
  }, [d.rows]);

  const focusIndex = Math.max(0, d.rows.findIndex((r) => r.id === focusId));
  const focused = d.rows[focusIndex];

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'j' || e.key === 'k') {
        const i = Math.min(d.rows.length - 1, Math.max(0, focusIndex + (e.key === 'j' ? 1 : -1)));
        if (d.rows[i]) setFocusId(d.rows[i].id);
        document.querySelector(`[data-row-index="${i}"]`)?.scrollIntoView({ block: 'nearest' });
      } else if (e.key === 'Enter' && focused) {
        navigate(`/staff/tickets/${focused.reference}`);
      } else if (e.key === 'a' && focused) {
        const f = new FormData();
        f.set('intent', 'bulk');
        f.set('op', 'assignMe');
        f.append('ids', String(focused.id));
        f.set('csrf', (document.querySelector('input[name=csrf]') as HTMLInputElement | null)?.value ?? '');
        assignOne.submit(f, { method: 'post' });
      } else if (e.key === 'x' && focused) {
        toggle(focused.id);
      } else if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === '?') {
        setHelp((h) => !h);
      } else return;
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  function toggle(id: number) {
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }

  const withParams = (patch: Record<string, string | undefined>) => {
    const p = new URLSearchParams(d.params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    return `/staff?${p.toString()}`;
  };

  const opt = (value: string, label: string) => (
    <option key={value} value={value}>
      {label}
    </option>
  );
  const current = (k: string) => searchParams.get(k) ?? '';

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title" className="visually-hidden" style={{ position: 'absolute', left: '-9999px' }}>
        {t(`view.${d.view}` as StaffKey)}
      </h1>
      <ul className="views">
        {QUEUE_VIEWS.map((v) => (
          <li key={v}>
            <Link to={`/staff?view=${v}`} aria-current={v === d.view ? 'page' : undefined} data-view={v}>
              {t(`view.${v}` as StaffKey)}
              <span className="count" data-count={v}>
                {countLabel(d.counts[v])}
              </span>
            </Link>
          </li>
        ))}
        {d.delayedDeliveries > 0 ? (
          <li className="notice" data-testid="delayed-deliveries" style={{ marginLeft: 'auto' }}>
            {t('queue.delayed', { count: d.delayedDeliveries })}
          </li>
        ) : null}
        <li aria-live="polite" style={{ marginLeft: d.delayedDeliveries > 0 ? undefined : 'auto', color: live ? 'var(--ok)' : 'var(--muted)' }} data-live={live ? 'on' : 'off'}>
          ● {t('queue.live')}
        </li>
      </ul>

      <div className="toolbar">
        <Form method="get" role="search">
          <input type="hidden" name="view" value={d.view} />
          <input ref={searchRef} type="search" name="q" defaultValue={d.q} aria-label={t('queue.search')} placeholder={t('queue.search')} />{' '}
          <button type="submit">{t('queue.searchButton')}</button>
        </Form>
        <label>
          {t('queue.sort')}{' '}
          <select value={d.sort} onChange={(e) => navigate(withParams({ sort: e.target.value, cursor: undefined }))} aria-label={t('queue.sort')} disabled={Boolean(d.q)}>
            {QUEUE_SORTS.map((s) => opt(s, t(`sort.${s}` as StaffKey)))}
          </select>
        </label>
        {d.savedViews.length > 0 ? (
          <nav aria-label={t('queue.savedViews')}>
            {t('queue.savedViews')}:{' '}
            {d.savedViews.map((v) => (
              <Link key={v.id} to={`/staff?${v.query}`} style={{ marginRight: '.5rem' }}>
                {v.name}
              </Link>
            ))}
          </nav>
        ) : null}
      </div>
      {d.shortSearch ? <p className="hint">{t('queue.shortSearch')}</p> : null}

      <details>
        <summary>{t('queue.filters')}</summary>
        <Form method="get" className="grid2" style={{ maxWidth: '48rem', marginTop: '.5rem' }}>
          <input type="hidden" name="view" value={d.view} />
          {d.q ? <input type="hidden" name="q" value={d.q} /> : null}
          <label>
            {t('filter.status')}
            <ChoiceSelect name="status" defaultValue={current('status')} empty={t('filter.any')} choices={choicesOf(TICKET_STATUSES, statusLabels[lang])} />
          </label>
          <label>
            {t('filter.channel')}
            <ChoiceSelect name="channel" defaultValue={current('channel')} empty={t('filter.any')} choices={choicesOf(CHANNELS, channelLabels[lang])} />
          </label>
          <label>
            {t('filter.kind')}
            <ChoiceSelect name="kind" defaultValue={current('kind')} empty={t('filter.any')} choices={TICKET_KINDS.map((k) => ({ value: k, label: k }))} />
          </label>
          <label>
            {t('filter.priority')}
            <ChoiceSelect name="priority" defaultValue={current('priority')} empty={t('filter.any')} choices={choicesOf(PRIORITIES, priorityLabels[lang])} />
          </label>
          <label>
            {t('filter.product')}
            <ChoiceSelect name="product" defaultValue={current('product')} empty={t('filter.any')} choices={choicesOf(PRODUCTS, productLabels[lang])} />
          </label>
          <label>
            {t('filter.cause')}
            <ChoiceSelect name="cause" defaultValue={current('cause')} empty={t('filter.any')} choices={choicesOf(CAUSES, causeLabels[lang])} />
          </label>
          <label>
            {t('filter.flag')}
            <input name="flag" defaultValue={current('flag')} />
          </label>
          <label>
            {t('filter.assignee')}
            <ChoiceSelect name="assignee" defaultValue={current('assignee')} empty={t('filter.any')} choices={d.staff.map((s) => ({ value: s.id, label: s.name }))} />
          </label>
          <label>
            {t('filter.team')}
            <ChoiceSelect name="team" defaultValue={current('team')} empty={t('filter.any')} choices={d.teams.map((s) => ({ value: s.id, label: s.name }))} />
          </label>
          <label>
            {t('filter.level')}
            <ChoiceSelect name="level" defaultValue={current('level')} empty={t('filter.any')} choices={['0', '1', '2', '3'].map((l) => ({ value: l, label: l }))} />
          </label>
          <label>
            {t('filter.sla')}
            <ChoiceSelect name="sla" defaultValue={current('sla')} empty={t('filter.any')} choices={SLA_STATES.map((s) => ({ value: s, label: s }))} />
          </label>
          <label>
            {t('filter.from')}
            <input type="date" name="from" defaultValue={current('from')} />
          </label>
          <label>
            {t('filter.to')}
            <input type="date" name="to" defaultValue={current('to')} />
          </label>
          <div>
            <button type="submit">{t('queue.apply')}</button> <Link to={`/staff?view=${d.view}`}>{t('queue.clear')}</Link>
          </div>
        </Form>
        <Form method="post" style={{ marginTop: '.5rem' }}>
          <CsrfField />
          <input type="hidden" name="intent" value="saveView" />
          <input type="hidden" name="query" value={location.search} />
          <label>
            {t('queue.saveView')} <input name="name" required maxLength={60} />
          </label>{' '}
          <button type="submit">{t('queue.save')}</button>
        </Form>
      </details>
      {d.savedViews.length > 0 ? <ManageViews views={d.savedViews} /> : null}

      {help ? (
        <p className="help" role="note">
          {t('queue.help')}
        </p>
      ) : null}

      <bulk.Form method="post" className="bulk" aria-label={t('queue.bulkApply')}>
        <CsrfField />
        <input type="hidden" name="intent" value="bulk" />
        {[...selected].map((id) => (
          <input key={id} type="hidden" name="ids" value={id} />
        ))}
        <span data-selected={selected.size}>{t('queue.selected', { n: selected.size })}</span>
        <select name="op" aria-label={t('queue.bulkApply')} defaultValue="assignMe">
          {opt('assignMe', t('queue.bulkAssignMe'))}
          {opt('priority', t('queue.bulkPriority'))}
          {opt('status', t('queue.bulkStatus'))}
        </select>
        <select name="priority" aria-label={t('queue.bulkPriority')}>
          {PRIORITIES.map((p) => opt(p, priorityLabels[lang][p]))}
        </select>
        <select name="status" aria-label={t('queue.bulkStatus')}>
          {(['open', 'pending', 'closed'] as TicketStatus[]).map((s) => opt(s, statusLabels[lang][s]))}
        </select>
        <button type="submit" disabled={selected.size === 0}>
          {t('queue.bulkApply')}
        </button>
        {bulk.data && !bulk.data.ok ? <span className="error">{bulk.data.error}</span> : null}
      </bulk.Form>

      {d.rows.length === 0 ? (
        <p>{t('queue.empty')}</p>
      ) : (
        <table className="queue" aria-describedby="queue-title">
          <thead>
            <tr>
              <th scope="col">
                <span style={{ position: 'absolute', left: '-9999px' }}>✓</span>
              </th>
              <th scope="col">{t('col.reference')}</th>
              <th scope="col">{t('col.subject')}</th>
              <th scope="col">{t('col.customer')}</th>
              <th scope="col">{t('col.channel')}</th>
              <th scope="col">{t('col.product')}</th>
              <th scope="col">{t('col.priority')}</th>
              <th scope="col">{t('col.flags')}</th>
              <th scope="col">{t('col.level')}</th>
              <th scope="col">{t('col.assignee')}</th>
              <th scope="col">{t('col.sla')}</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r, i) => (
              <QueueRowView
                key={r.id}
                row={r}
                index={i}
                lang={lang}
                now={d.now}
                focused={focused?.id === r.id}
                selected={selected.has(r.id)}
                fresh={fresh.has(r.id)}
                onToggle={() => toggle(r.id)}
                onFocus={() => setFocusId(r.id)}
              />
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="pages">
        {!d.isFirstPage ? <Link to={withParams({ cursor: undefined })}>{t('queue.first')}</Link> : null}
        {d.next ? (
          <Link to={withParams({ cursor: d.next })} rel="next" data-next>
            {t('queue.next')}
          </Link>
        ) : null}
      </nav>
    </section>
  );
}

function QueueRowView({
  row: r,
  index,
  lang,
  now,
  focused,
  selected,
  fresh,
  onToggle,
  onFocus,
}: {
  row: QueueRow;
  index: number;
  lang: Language;
  now: number;
  focused: boolean;
  selected: boolean;
  fresh: boolean;
  onToggle(): void;
  onFocus(): void;
}) {
  const { t } = useStaffT();
  return (
    <tr
      data-row-index={index}
      data-reference={r.reference}
      className={[focused ? 'focused' : '', selected ? 'selected' : '', fresh ? 'fresh' : ''].join(' ')}
      onClick={onFocus}
    >
      <td>
        <input type="checkbox" checked={selected} onChange={onToggle} aria-label={r.reference} />
      </td>
      <td>
        <Link to={`/staff/tickets/${r.reference}`}>{r.reference}</Link>
      </td>
      <td>{r.subject}</td>
      <td>{r.customer ?? '—'}</td>
      <td>{channelLabels[lang][r.channel]}</td>
      <td>{r.product ? productLabels[lang][r.product] : '—'}</td>
      <td>{priorityLabels[lang][r.priority]}</td>
      <td>
        {r.flags.map((f) => (
          <span key={f} className="flag">
            {f}
          </span>
        ))}
      </td>
      <td>{r.level}</td>
      <td data-assignee>{r.assignee ?? t('unassigned')}</td>
      <td>
        <SlaChip dueAt={r.slaDueAt} state={r.slaState} status={r.status} now={now} lang={lang} />
      </td>
    </tr>
  );
}

