// The ticket workspace: header, customer panel, the thread across channels, the composer and
// the actions (assign, status, priority, escalate, resolve with the case review).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { PRIORITIES, type Channel, type Priority, type TicketStatus } from '../../db/constants';
import { delayedOutboxOfTicket } from '../../db/store/outbox';
import { listActiveStaff, listTeams } from '../../db/store/staff';
import { eventsOf, findTicketByReference, flagsOf } from '../../db/store/tickets';
import {
  customerPanel,
  latestCaseReview,
  latestInboundMessageId,
  listMacros,
  otherTicketsOfCustomer,
  ratingOf,
  threadOf,
} from '../../db/store/triage';
import { CsrfField, SlaChip, useStaffShell, useStaffT } from '~/components/staff-ui';
import { productLabels } from '~/i18n/dictionary';
import { channelLabels, outcomeLabels, priorityLabels, rootCauseLabels, statusLabels } from '~/i18n/staff';
import { OUTCOMES, parseMoneyMinor, REGIMES, ROOT_CAUSES } from '~/staff/decision';
import { notFound, requireStaff } from '~/staff/guard.server';
import { can, canSeeTicket } from '~/staff/permissions';
import { domainError } from '~/staff/respond.server';
import { countSegments } from '~/staff/sms-segments';
import { assignTicket, escalate, resolveWithReview, setPriority, type Actor } from '~/staff/triage.server';
import { Invalid } from '~/tickets/errors';
import { addNote, replyToClient } from '~/tickets/reply.server';
import { changeStatus } from '~/tickets/status.server';
import { nextStatuses } from '~/tickets/status';

function loadWorkspace(context: LoaderFunctionArgs['context'], reference: string, me: Actor) {
  const db = context.tickets.db;
  const ticket = findTicketByReference(db, reference.toUpperCase());
  if (!ticket || !canSeeTicket(me, ticket)) throw notFound();
  return { db, ticket };
}

/** Failed at least once and not sent yet: the dispatcher will try again at `nextAt`. */
function isDelayed(d: { status: string; error: string | null }): boolean {
  return (d.status === 'queued' || d.status === 'sending') && d.error !== null;
}

const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.view' });
  const { db, ticket } = loadWorkspace(context, params.reference ?? '', { ...me });
  const { customer, contacts } = customerPanel(db, ticket.customerId);
  const thread = threadOf(db, ticket.id);
  const events = eventsOf(db, ticket.id).filter((e) => ['ticket.escalated', 'ticket.assigned', 'case.reviewed', 'status.changed', 'priority.changed'].includes(e.type));
  const review = latestCaseReview(db, ticket.id);
  const staff = listActiveStaff(db).filter((s) => s.role !== 'admin');
  const hasEmail = contacts.some((c) => c.kind === 'email' && !c.undeliverableAt);
  const hasPhone = contacts.some((c) => c.kind === 'phone' && !c.optedOutAt);
  const replyChannel: Channel | 'web' = ticket.channel === 'email' || ticket.channel === 'sms' ? ticket.channel : hasEmail ? 'email' : hasPhone ? 'sms' : 'web';
  return data(
    {
      now: context.now().getTime(),
      ticket: {
        id: ticket.id,
        reference: ticket.reference,
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        level: ticket.level,
        kind: ticket.kind,
        channel: ticket.channel,
        product: ticket.product,
        language: ticket.language,
        slaDueAt: ticket.slaDueAt?.getTime() ?? null,
        slaState: ticket.slaState,
        assigneeId: ticket.assigneeId,
        teamId: ticket.teamId,
        createdAt: ticket.createdAt.getTime(),
        amountMinor: ticket.amountMinor,
        currency: ticket.currency,
        outcomeWanted: ticket.outcomeWanted,
      },
      flags: flagsOf(db, ticket.id).map((f) => ({ flag: f.flag, detail: f.detail })),
      customer: { id: customer?.id ?? 0, name: customer?.name ?? null, number: customer?.customerNumber ?? null },
      contacts: contacts.map((c) => ({ kind: c.kind, value: c.value, optedOut: Boolean(c.optedOutAt), undeliverable: Boolean(c.undeliverableAt) })),
      otherTickets: otherTicketsOfCustomer(db, ticket.customerId, ticket.id).map((t) => ({ reference: t.reference, subject: t.subject, status: t.status })),
      thread: thread.map((m) => ({
        id: m.id,
        direction: m.direction,
        channel: m.channel,
        authorType: m.authorType,
        authorName: m.authorName,
        senderAddress: m.senderAddress,
        senderName: m.senderName,
        subject: m.subject,
        text: m.text,
        hasHtml: Boolean(m.html),
        createdAt: m.createdAt.getTime(),
        delivery: m.delivery
          ? { status: m.delivery.status, error: m.delivery.lastError, attempts: m.delivery.attempts, nextAt: m.delivery.nextAttemptAt.getTime() }
          : null,
        attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size, state: a.state, error: a.error })),
      })),
      events: events.map((e) => ({ id: e.id, type: e.type, data: e.data, at: e.at.getTime(), actorId: e.actorId })),
      // Acknowledgements and notices have no thread message: their delays are listed apart.
      delayed: delayedOutboxOfTicket(db, ticket.id)
        .filter((o) => o.messageId === null)
        .map((o) => ({ id: o.id, channel: o.channel, purpose: o.purpose, attempts: o.attempts, nextAt: o.nextAttemptAt.getTime(), error: o.lastError })),
      review: review
        ? { outcome: review.outcome, rootCause: review.rootCause, lesson: review.lesson, redressMinor: review.redressMinor, currency: review.currency }
        : null,
      rating: (() => {
        const r = ratingOf(db, ticket.id);
        return r ? { score: r.score, comment: r.comment } : null;
      })(),
      staff: staff.map((s) => ({ id: s.id, name: s.name })),
      teams: listTeams(db).map((t) => ({ id: t.id, name: t.name })),
      macros: listMacros(db).map((m) => ({ id: m.id, title: m.title, zh: m.bodyZh, en: m.bodyEn })),
      viewers: context.live.viewersOf(ticket.id).filter((v) => v.id !== me.id),
      latestInboundId: latestInboundMessageId(db, ticket.id) ?? 0,
      replyChannel,
      nextStatuses: nextStatuses(ticket.status).filter((s) => s !== 'resolved'),
      canAssign: can(me.role, 'tickets.assign'),
      canEscalate: can(me.role, 'tickets.escalate'),
      canWork: can(me.role, 'tickets.work'),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
type WorkspaceData = Awaited<ReturnType<typeof loader>>['data'];

const text = (max: number) => z.string().trim().max(max);
const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('reply'), text: text(10_000).min(1, 'Write a reply'), seenInboundId: z.coerce.number().int().min(0), confirmed: z.string().optional() }),
  z.object({ intent: z.literal('note'), text: text(10_000).min(1, 'Write a note') }),
  z.object({
    intent: z.literal('assign'),
    to: z.string().regex(/^(me|nobody|user:\d+|team:\d+)$/),
    roundRobin: z.string().optional(),
  }),
  z.object({ intent: z.literal('status'), status: z.enum(['new', 'open', 'pending', 'closed']) }),
  z.object({ intent: z.literal('priority'), priority: z.enum(PRIORITIES) }),
  z.object({ intent: z.literal('escalate'), reason: text(1000).min(1, 'Say why') }),
  z.object({
    intent: z.literal('resolve'),
    outcome: z.enum(OUTCOMES),
    redress: text(20),
    currency: z.string().regex(/^[A-Z]{3}$/).catch('CNY'),
    rootCause: z.enum(ROOT_CAUSES),
    lesson: text(4000).min(1, 'Write the lesson learned'),
    explanation: text(8000).min(1, 'Explain the decision'),
    regime: z.enum(REGIMES),
  }),
]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'tickets.work' });
  const actor: Actor = { id: me.id, role: me.role, teamId: me.teamId, name: me.name };
  const { db, ticket } = loadWorkspace(context, params.reference ?? '', actor);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return data({ ok: false as const, error: issue ? `${issue.path.join('.')}: ${issue.message}` : 'Invalid form', intent: null }, { status: 400 });
  }
  const input = parsed.data;
  const now = context.now();
  const ctx = context.tickets;
  try {
    switch (input.intent) {
      case 'reply': {
        const latest = latestInboundMessageId(db, ticket.id) ?? 0;
        if (latest > input.seenInboundId && !input.confirmed) {
          return data({ ok: false as const, error: null, newer: latest, intent: 'reply' as const, draft: input.text }, { status: 409 });
        }
        replyToClient(ctx, { ticketId: ticket.id, text: input.text, author: { type: 'staff', staffId: me.id }, now });
        context.kickOutbox();
        break;
      }
      case 'note':
        addNote(ctx, { ticketId: ticket.id, text: input.text, author: { type: 'staff', staffId: me.id }, now });
        break;
      case 'assign': {
        const [kind, id] = input.to.split(':');
        const target =
          kind === 'me'
            ? ({ kind: 'me' } as const)
            : kind === 'nobody'
              ? ({ kind: 'nobody' } as const)
              : kind === 'user'
                ? ({ kind: 'user', userId: Number(id) } as const)
                : ({ kind: 'team', teamId: Number(id), roundRobin: Boolean(input.roundRobin) } as const);
        assignTicket(ctx, actor, ticket.id, target, now);
        break;
      }
      case 'status':
        changeStatus(ctx, { ticketId: ticket.id, to: input.status as TicketStatus, actor: { type: 'staff', id: String(me.id) }, now });
        break;
      case 'priority':
        setPriority(ctx, actor, ticket.id, input.priority as Priority, now);
        break;
      case 'escalate':
        if (!can(me.role, 'tickets.escalate')) throw notFound();
        escalate(ctx, actor, ticket.id, input.reason, now);
        break;
      case 'resolve': {
        const redressMinor = parseMoneyMinor(input.redress);
        if (redressMinor === undefined) throw new Invalid('The redress must be an amount such as 120.50.', { redress: ['Not an amount'] });
        resolveWithReview(ctx, actor, {
          ticketId: ticket.id,
          outcome: input.outcome,
          redressMinor,
          currency: input.currency,
          rootCause: input.rootCause,
          lesson: input.lesson,
          explanation: input.explanation,
          regime: input.regime,
          now,
        });
        context.kickOutbox();
        break;
      }
    }
    context.live.poke();
    return { ok: true as const, intent: input.intent };
  } catch (error) {
    return domainError(error);
  }
}

type ActionResult = { ok: boolean; error?: string | null; intent?: string | null; newer?: number; draft?: string } | undefined;

function usePresence(reference: string, initial: { id: number; name: string }[]) {
  const [viewers, setViewers] = useState(initial);
  const revalidator = useRevalidator();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    const source = new EventSource(`/staff/events?ticket=${encodeURIComponent(reference)}`);
    source.addEventListener('presence', (e) => setViewers((JSON.parse((e as MessageEvent<string>).data) as { viewers: { id: number; name: string }[] }).viewers));
    source.addEventListener('change', () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => revalidator.revalidate(), 300);
    });
    return () => {
      clearTimeout(timer.current);
      source.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reference]);
  return viewers;
}

export default function Workspace() {
  const d = useLoaderData() as unknown as WorkspaceData;
  const result = useActionData() as ActionResult;
  const { t, lang } = useStaffT();
  const shell = useStaffShell();
  const viewers = usePresence(d.ticket.reference, d.viewers);
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  const [draft, setDraft] = useState(result?.draft ?? '');
  // The inbound message the writer had seen when the page was loaded: a newer one triggers the warning.
  const [seenInboundId] = useState(d.latestInboundId);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const seg = countSegments(draft);
  const tk = d.ticket;

  useEffect(() => {
    if (result?.ok && (result.intent === 'reply' || result.intent === 'note')) setDraft('');
  }, [result]);

  function insertMacro(id: string) {
    const m = d.macros.find((x) => String(x.id) === id);
    if (!m) return;
    const body = (tk.language === 'zh' ? m.zh : m.en)
      .replaceAll('{name}', d.customer.name ?? '')
      .replaceAll('{reference}', tk.reference)
      .replaceAll('{agent}', shell.user.name);
    setDraft((cur) => (cur ? `${cur}\n${body}` : body));
    composerRef.current?.focus();
  }

  return (
    <div className="workspace">
      <section>
        <header className="ws-header panel">
          <h1>
            <span data-reference>{tk.reference}</span> · {tk.subject}
          </h1>
          <div className="facts">
            <span data-status={tk.status}>{statusLabels[lang][tk.status]}</span>
            <span data-priority={tk.priority}>{priorityLabels[lang][tk.priority]}</span>
            <span data-level={tk.level}>{t('ws.level', { level: tk.level })}</span>
            <span>{channelLabels[lang][tk.channel]}</span>
            {tk.product ? <span>{productLabels[lang][tk.product]}</span> : null}
            <SlaChip dueAt={tk.slaDueAt} state={tk.slaState} status={tk.status} now={d.now} lang={lang} />
            {d.flags.map((f) => (
              <span key={f.flag} className="flag" title={f.detail ?? undefined}>
                {f.flag}
                {f.detail ? `: “${f.detail}”` : ''}
              </span>
            ))}
          </div>
          {viewers.length > 0 ? (
            <p className="viewers" role="status" data-viewers>
              {t('ws.viewing', { names: viewers.map((v) => v.name).join(', ') })}
            </p>
          ) : null}
        </header>

        {result && !result.ok && result.error ? (
          <p className="form-error" role="alert">
            {result.error}
          </p>
        ) : null}
        {result?.ok ? (
          <p className="notice" role="status">
            {t('ws.saved')}
          </p>
        ) : null}

        {d.delayed.length > 0 ? (
          <section className="notice" aria-labelledby="delayed-title" data-testid="delayed-deliveries">
            <h2 id="delayed-title">{t('ws.delayedTitle')}</h2>
            <ul>
              {d.delayed.map((o) => (
                <li key={o.id} data-delivery="delayed">
                  {t('ws.delayedPurpose', { purpose: o.purpose, channel: channelLabels[lang][o.channel] })}:{' '}
                  {t('ws.deliveryDelayed', { attempts: o.attempts, next: utcMinute(o.nextAt) })}
                  {o.error ? ` (${o.error})` : ''}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <h2>{t('ws.thread')}</h2>
        <ol className="thread">
          {d.thread.map((m) => (
            <li key={m.id} className={`message ${m.direction}`} data-message-id={m.id} data-direction={m.direction}>
              <p className="meta">
                {m.direction === 'note' ? t('ws.internal') : channelLabels[lang][m.channel]} ·{' '}
                {m.direction === 'in' ? (m.senderName ?? m.senderAddress ?? '') : (m.authorName ?? m.authorType)} ·{' '}
                <time dateTime={new Date(m.createdAt).toISOString()}>{new Date(m.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</time>
                {m.delivery ? (
                  <>
                    {' '}
                    · {t('ws.delivery')}:{' '}
                    {isDelayed(m.delivery) ? (
                      <span data-delivery="delayed">{t('ws.deliveryDelayed', { attempts: m.delivery.attempts, next: utcMinute(m.delivery.nextAt) })}</span>
                    ) : (
                      <span data-delivery={m.delivery.status}>{m.delivery.status}</span>
                    )}
                    {m.delivery.error ? ` (${m.delivery.error})` : ''}
                  </>
                ) : null}
              </p>
              {m.subject ? <p><strong>{m.subject}</strong></p> : null}
              {m.hasHtml ? (
                <EmailHtml messageId={m.id} />
              ) : (
                <div className="body">{m.text}</div>
              )}
              {m.attachments.length > 0 ? (
                <ul aria-label={t('ws.attachments')}>
                  {m.attachments.map((a) => (
                    <li key={a.id}>
                      {a.state === 'stored' ? (
                        <a href={`/staff/attachments/${a.id}`} download>
                          {a.filename}
                        </a>
                      ) : (
                        <span>
                          {a.filename} ({a.state}
                          {a.error ? `: ${a.error}` : ''})
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>

        {d.canWork && tk.status !== 'closed' ? (
          <section className="composer panel stack" aria-label={t('ws.reply')}>
            {result?.newer ? (
              <p className="warning" role="alert" data-newer-warning>
                {t('ws.newer')}
              </p>
            ) : null}
            <Form method="post" className="stack">
              <CsrfField />
              <input type="hidden" name="seenInboundId" value={seenInboundId} />
              {result?.newer ? <input type="hidden" name="confirmed" value="1" /> : null}
              <label htmlFor="composer">{t('ws.replyVia', { channel: d.replyChannel === 'web' ? channelLabels[lang].web : channelLabels[lang][d.replyChannel] })}</label>
              <textarea id="composer" ref={composerRef} name="text" value={draft} onChange={(e) => setDraft(e.target.value)} />
              {d.replyChannel === 'sms' ? (
                <p className="hint" data-segments={seg.segments} aria-live="polite">
                  {t('ws.segments', { chars: seg.units, segments: seg.segments })}
                </p>
              ) : null}
              {d.macros.length > 0 ? (
                <label>
                  {t('ws.macro')}{' '}
                  <select value="" onChange={(e) => insertMacro(e.target.value)}>
                    <option value="">—</option>
                    {d.macros.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.title}
                      </option>
                    ))}
                  </select>
                </label>
              ) : null}
              <div>
                <button type="submit" name="intent" value="reply" className="primary" disabled={busy}>
                  {t('ws.send')}
                </button>{' '}
                <button type="submit" name="intent" value="note" disabled={busy}>
                  {t('ws.addNote')}
                </button>
              </div>
            </Form>
          </section>
        ) : null}

        {d.canWork && tk.status !== 'resolved' && tk.status !== 'closed' ? (
          <details className="panel">
            <summary>{t('ws.resolve')}</summary>
            <Form method="post" className="stack" aria-label={t('ws.resolve')}>
              <CsrfField />
              <input type="hidden" name="intent" value="resolve" />
              <label>
                {t('ws.outcome')}
                <select name="outcome" required defaultValue="">
                  <option value="" disabled>
                    —
                  </option>
                  {OUTCOMES.map((o) => (
                    <option key={o} value={o}>
                      {outcomeLabels[lang][o]}
                    </option>
                  ))}
                </select>
              </label>
              <div className="grid2">
                <label>
                  {t('ws.redress')}
                  <input name="redress" inputMode="decimal" />
                </label>
                <label>
                  {t('ws.currency')}
                  <input name="currency" defaultValue={tk.currency ?? 'CNY'} maxLength={3} />
                </label>
              </div>
              <label>
                {t('ws.rootCause')}
                <select name="rootCause" required defaultValue="">
                  <option value="" disabled>
                    —
                  </option>
                  {ROOT_CAUSES.map((c) => (
                    <option key={c} value={c}>
                      {rootCauseLabels[lang][c]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('ws.lesson')}
                <textarea name="lesson" required />
              </label>
              <label>
                {t('ws.explanation')}
                <textarea name="explanation" required />
              </label>
              <label>
                {t('ws.regime')}
                <select name="regime" defaultValue={tk.language === 'zh' ? 'CN-NFRA' : 'UK-FCA'}>
                  {REGIMES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="primary" disabled={busy}>
                {t('ws.resolve')}
              </button>
            </Form>
          </details>
        ) : null}
      </section>

      <aside>
        <section className="panel stack" aria-label={t('ws.actions')}>
          <h2>{t('ws.actions')}</h2>
          {d.canWork ? (
            <>
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="intent" value="assign" />
                <input type="hidden" name="to" value="me" />
                <button type="submit" disabled={busy || tk.assigneeId === shell.user.id}>
                  {t('ws.assignMe')}
                </button>
              </Form>
              {d.canAssign ? (
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="intent" value="assign" />
                  <label>
                    {t('ws.assignTo')}{' '}
                    <select name="to" defaultValue={tk.assigneeId ? `user:${tk.assigneeId}` : 'nobody'}>
                      <option value="nobody">{t('unassigned')}</option>
                      {d.staff.map((s) => (
                        <option key={s.id} value={`user:${s.id}`}>
                          {s.name}
                        </option>
                      ))}
                      {d.teams.map((team) => (
                        <option key={`t${team.id}`} value={`team:${team.id}`}>
                          ⟶ {team.name}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    <input type="checkbox" name="roundRobin" value="1" /> {t('ws.roundRobin')}
                  </label>{' '}
                  <button type="submit" disabled={busy}>
                    {t('ws.assign')}
                  </button>
                </Form>
              ) : null}
              {d.nextStatuses.length > 0 ? (
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="intent" value="status" />
                  <label>
                    {t('ws.status')}{' '}
                    <select name="status" defaultValue={d.nextStatuses[0]}>
                      {d.nextStatuses.map((s) => (
                        <option key={s} value={s}>
                          {statusLabels[lang][s]}
                        </option>
                      ))}
                    </select>
                  </label>{' '}
                  <button type="submit" disabled={busy}>
                    {t('ws.setStatus')}
                  </button>
                </Form>
              ) : null}
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="intent" value="priority" />
                <label>
                  {t('ws.priority')}{' '}
                  <select name="priority" defaultValue={tk.priority}>
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {priorityLabels[lang][p]}
                      </option>
                    ))}
                  </select>
                </label>{' '}
                <button type="submit" disabled={busy}>
                  {t('ws.setPriority')}
                </button>
              </Form>
              {d.canEscalate ? (
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="intent" value="escalate" />
                  <label>
                    {t('ws.reason')} <input name="reason" required maxLength={1000} />
                  </label>{' '}
                  <button type="submit" disabled={busy}>
                    {t('ws.escalate')}
                  </button>
                </Form>
              ) : null}
            </>
          ) : null}
        </section>

        <section className="panel" aria-label={t('ws.customer')}>
          <h2>{t('ws.customer')}</h2>
          <p>
            <strong>{d.customer.name ?? '—'}</strong>
            {d.customer.number ? ` · ${d.customer.number}` : ''}
          </p>
          <h3>{t('ws.contacts')}</h3>
          <ul>
            {d.contacts.map((c) => (
              <li key={`${c.kind}:${c.value}`}>
                {c.value}
                {c.optedOut ? ' (STOP)' : ''}
                {c.undeliverable ? ' (bounced)' : ''}
              </li>
            ))}
          </ul>
          {d.otherTickets.length > 0 ? (
            <>
              <h3>{t('ws.otherTickets')}</h3>
              <ul>
                {d.otherTickets.map((o) => (
                  <li key={o.reference}>
                    <Link to={`/staff/tickets/${o.reference}`}>{o.reference}</Link> {o.subject} ({statusLabels[lang][o.status]})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>

        {d.review ? (
          <section className="panel" aria-label={t('ws.review')} data-review>
            <h2>{t('ws.review')}</h2>
            <p>
              {outcomeLabels[lang][d.review.outcome]} · {rootCauseLabels[lang][d.review.rootCause]}
              {d.review.redressMinor != null ? ` · ${d.review.currency} ${(d.review.redressMinor / 100).toFixed(2)}` : ''}
            </p>
            <p>{d.review.lesson}</p>
          </section>
        ) : null}
        {d.rating ? (
          <section className="panel" aria-label={t('ws.rating')}>
            <h2>{t('ws.rating')}</h2>
            <p>
              {'★'.repeat(d.rating.score)}
              {'☆'.repeat(5 - d.rating.score)} {d.rating.comment}
            </p>
          </section>
        ) : null}
      </aside>
    </div>
  );
}

/** Email HTML, already sanitized when stored, in a sandbox that runs no script and loads nothing remote. */
function EmailHtml({ messageId }: { messageId: number }) {
  const { t } = useStaffT();
  const [images, setImages] = useState(false);
  return (
    <div>
      <iframe
        title={`message ${messageId}`}
        sandbox=""
        referrerPolicy="no-referrer"
        src={`/staff/messages/${messageId}/html${images ? '?images=1' : ''}`}
        data-email-frame
      />
      {!images ? (
        <button type="button" className="linklike" onClick={() => setImages(true)}>
          {t('ws.showImages')}
        </button>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ params }) => [{ title: `${params.reference} · Redress` }];

