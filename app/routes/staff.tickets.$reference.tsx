// The ticket workspace: header, customer panel, the thread across channels, the composer and
// the actions (assign, status, priority, escalate, SLA extension and appraisal pause, merges,
// resolve with the case review).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { PRIORITIES, type Channel, type Priority, type StaffRole, type TicketStatus } from '../../db/constants';
import type { SlaTarget } from '../../db/sla-constants';
import { customerSummary, findCustomerByIdentifier, mergedIntoOf, mergeTargetsOf } from '../../db/store/merge';
import { timersOfTicket } from '../../db/store/sla';
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
import { channelLabels, formatDuration, outcomeLabels, priorityLabels, roleLabels, rootCauseLabels, statusLabels, type StaffKey } from '~/i18n/staff';
import { OUTCOMES, parseMoneyMinor, REGIMES, ROOT_CAUSES } from '~/staff/decision';
import { notFound, requireStaff } from '~/staff/guard.server';
import { can, canSeeTicket } from '~/staff/permissions';
import { domainError } from '~/staff/respond.server';
import { countSegments } from '~/staff/sms-segments';
import { assignTicket, escalate, resolveWithReview, setPriority, type Actor } from '~/staff/triage.server';
import { customerProfileOf } from '~/escalation/profile.server';
import { extendDeadline } from '~/sla/extension.server';
import { SlaRegistry } from '~/sla/registry.server';
import { slaSummaryForTicket, type SlaSummary } from '~/sla/summary.server';
import { endAppraisalPause, startAppraisalPause } from '~/sla/timers.server';
import { Invalid } from '~/tickets/errors';
import { mergeCustomers } from '~/tickets/merge-customers.server';
import { mergeTicket } from '~/tickets/merge-tickets.server';
import { addNote, replyToClient } from '~/tickets/reply.server';
import { changeStatus } from '~/tickets/status.server';
import { nextStatuses } from '~/tickets/status';

/** Events shown in the workspace's "merges and deadlines" list. */
const HISTORY_EVENTS = ['customer.merged', 'ticket.merged', 'ticket.merged_from', 'sla.extended', 'sla.paused', 'sla.resumed'];

/** Event data is JSON written by many modules; the list reads only a few of its fields, each checked where shown. */
const eventDataSchema = z.record(z.string(), z.unknown()).catch({});

/** What the workspace offers of the SLA engine: the extension steps of the ticket's policy and the appraisal pause. */
function slaActionsOf(db: LoaderFunctionArgs['context']['tickets']['db'], ticketId: number) {
  const timers = timersOfTicket(db, ticketId);
  const first = timers[0];
  if (!first) return { steps: [], approverRoles: [] as StaffRole[], appraisal: false };
  const policy = new SlaRegistry(db).policy(first.policyId, first.policyVersion).definition;
  const recorded = (target: SlaTarget) => timers.find((t) => t.target === target)?.extensionStep ?? 0;
  const steps = policy.extensionSteps.map((x) => ({ step: x.step, name: x.name, target: x.target, recordedBy: x.recordedBy, approvedBy: x.approvedBy, done: recorded(x.target) >= x.step }));
  return { steps, approverRoles: [...new Set(policy.extensionSteps.flatMap((x) => x.approvedBy))], appraisal: policy.appraisalPause };
}

function chipOf(s: SlaSummary) {
  return {
    target: s.target,
    state: s.state,
    dueAt: Date.parse(s.dueAt),
    remainingMs: s.remainingMs,
    // The engine has no "warning" state: a running timer whose first warning has fired is amber.
    warned: s.warnings.some((w) => w.fired),
    metLate: s.metAt !== null && s.breachedAt !== null,
    pauseReason: s.pauseReason,
    pausedSince: s.pausedSince,
  };
}

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
  const active = listActiveStaff(db);
  const staff = active.filter((s) => s.role !== 'admin');
  const hasEmail = contacts.some((c) => c.kind === 'email' && !c.undeliverableAt);
  const hasPhone = contacts.some((c) => c.kind === 'phone' && !c.optedOutAt);
  const now = context.now();
  const profile = customerProfileOf(db, ticket.id, now);
  const slaActions = slaActionsOf(db, ticket.id);
  const history = eventsOf(db, ticket.id).filter((e) => HISTORY_EVENTS.includes(e.type));
  const staffNames = new Map(active.map((s) => [String(s.id), s.name]));
  const replyChannel: Channel | 'web' = ticket.channel === 'email' || ticket.channel === 'sms' ? ticket.channel : hasEmail ? 'email' : hasPhone ? 'sms' : 'web';
  return data(
    {
      now: now.getTime(),
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
      sla: slaSummaryForTicket(db, ticket.id, now).map(chipOf),
      slaActions,
      approvers: active.filter((s) => slaActions.approverRoles.includes(s.role)).map((s) => ({ id: s.id, name: s.name, role: s.role })),
      profile: profile
        ? {
            riskLevel: profile.riskLevel,
            assessedOn: profile.assessedOn,
            assessmentCurrent: profile.assessmentCurrent,
            age: profile.age,
            vulnerable: profile.vulnerable,
            holdings: profile.holdings,
          }
        : null,
      mergedInto: mergedIntoOf(db, ticket.id)?.reference ?? null,
      mergeTargets: mergeTargetsOf(db, ticket.customerId, ticket.id).map((t) => ({ reference: t.reference, subject: t.subject })),
      history: history.map((e) => ({ id: e.id, type: e.type, data: eventDataSchema.parse(JSON.parse(e.data)), at: e.at.getTime(), actor: e.actorId ? (staffNames.get(e.actorId) ?? null) : null })),
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
      canMergeTickets: can(me.role, 'tickets.merge'),
      canMergeCustomers: can(me.role, 'customers.merge'),
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
  z.object({ intent: z.literal('findCustomer'), identifier: text(200).min(1, 'Enter a customer number, email or phone') }),
  z.object({ intent: z.literal('mergeCustomer'), otherId: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal('mergeTicket'), target: text(40).min(1, 'Choose the ticket to merge into') }),
  z.object({
    intent: z.literal('extend'),
    step: z.coerce.number().int().positive(),
    approver: z.coerce.number().int().positive({ error: 'Choose who approved it' }),
    reason: text(2000).min(1, 'Say why the deadline is extended'),
  }),
  z.object({ intent: z.literal('appraisalStart'), reason: text(1000).min(1, 'Say what is being appraised') }),
  z.object({ intent: z.literal('appraisalEnd') }),
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
      case 'findCustomer': {
        // Nothing changes yet: the customer found is shown for the staff member to confirm.
        if (!can(me.role, 'customers.merge')) throw notFound();
        const raw = input.identifier;
        const phone = parsePhoneNumberFromString(raw, context.defaultPhoneRegion);
        const otherId = findCustomerByIdentifier(db, { customerNumber: raw, email: raw.toLowerCase(), phone: phone?.isValid() ? phone.number : null });
        if (otherId === undefined) throw new Invalid(`No customer has the number, email or phone “${raw}”.`);
        if (otherId === ticket.customerId) throw new Invalid('That is this ticket’s own customer: there is nothing to merge.');
        const other = customerSummary(db, otherId)!;
        return { ok: true as const, intent: input.intent, candidate: { id: other.id, name: other.name, number: other.customerNumber, contacts: other.contacts.map((c) => c.value), tickets: other.ticketCount } };
      }
      case 'mergeCustomer':
        if (!can(me.role, 'customers.merge')) throw notFound();
        mergeCustomers(ctx, { keepId: ticket.customerId, mergeId: input.otherId, staff: { id: me.id, name: me.name }, now });
        break;
      case 'mergeTicket':
        if (!can(me.role, 'tickets.merge')) throw notFound();
        mergeTicket(ctx, { sourceId: ticket.id, targetReference: input.target, staff: { id: me.id, name: me.name }, mayTouch: (t) => canSeeTicket(actor, t), now });
        break;
      case 'extend':
        // Which roles may record and approve each step is the policy's to say (extendDeadline checks it).
        extendDeadline(ctx, { ticketId: ticket.id, step: input.step, reason: input.reason, recordedBy: me.id, approvedBy: input.approver, now });
        context.kickOutbox();
        break;
      case 'appraisalStart':
        startAppraisalPause(ctx, { ticketId: ticket.id, reason: input.reason, staffId: me.id, now });
        break;
      case 'appraisalEnd':
        endAppraisalPause(ctx, { ticketId: ticket.id, staffId: me.id, now });
        break;
    }
    context.live.poke();
    return { ok: true as const, intent: input.intent };
  } catch (error) {
    return domainError(error);
  }
}

type ActionResult =
  | {
      ok: boolean;
      error?: string | null;
      intent?: string | null;
      newer?: number;
      draft?: string;
      candidate?: { id: number; name: string | null; number: string | null; contacts: string[]; tickets: number };
    }
  | undefined;

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
            {d.sla.map((c) => (
              <TargetChip key={c.target} chip={c} now={d.now} />
            ))}
            {d.flags.map((f) => (
              <span key={f.flag} className="flag" title={f.detail ?? undefined}>
                {f.flag}
                {f.detail ? `: “${f.detail}”` : ''}
              </span>
            ))}
          </div>
          {d.mergedInto ? (
            <p className="notice" data-merged-into={d.mergedInto}>
              <Link to={`/staff/tickets/${d.mergedInto}`}>{t('gaps.mergedInto', { reference: d.mergedInto })}</Link>
            </p>
          ) : null}
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
          <h3>{t('gaps.emails')}</h3>
          <ul data-contacts="email">
            {d.contacts
              .filter((c) => c.kind === 'email')
              .map((c) => (
                <li key={c.value} data-contact={c.value}>
                  {c.value}
                  {c.undeliverable ? ` (${t('gaps.bounced')})` : ''}
                </li>
              ))}
          </ul>
          <h3>{t('gaps.phones')}</h3>
          <ul data-contacts="phone">
            {d.contacts
              .filter((c) => c.kind === 'phone')
              .map((c) => (
                <li key={c.value} data-contact={c.value}>
                  {c.value}
                  {c.optedOut ? ` (${t('gaps.optedOut')})` : ''}
                </li>
              ))}
          </ul>
          {d.profile ? <RiskProfile profile={d.profile} /> : null}
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

        {d.canMergeCustomers ? <MergeCustomer result={result} busy={busy} /> : null}
        {d.canMergeTickets && d.canWork && d.mergeTargets.length > 0 && tk.status !== 'resolved' && tk.status !== 'closed' ? (
          <section className="panel stack" aria-label={t('gaps.mergeTicket')}>
            <h2>{t('gaps.mergeTicket')}</h2>
            <p className="hint">{t('gaps.mergeTicketHelp')}</p>
            <Form method="post" className="stack">
              <CsrfField />
              <input type="hidden" name="intent" value="mergeTicket" />
              <label>
                {t('gaps.mergeTarget')}{' '}
                <select name="target" required defaultValue="">
                  <option value="" disabled>
                    —
                  </option>
                  {d.mergeTargets.map((m) => (
                    <option key={m.reference} value={m.reference}>
                      {m.reference} · {m.subject}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={busy}>
                {t('gaps.mergeButton')}
              </button>
            </Form>
          </section>
        ) : null}
        {d.canWork && (d.slaActions.steps.some((x) => !x.done) || d.slaActions.appraisal) && tk.status !== 'resolved' && tk.status !== 'closed' ? (
          <SlaActions d={d} busy={busy} />
        ) : null}
        {d.history.length > 0 ? <History items={d.history} /> : null}

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

type Chip = WorkspaceData['sla'][number];

/** One SLA target: time left, amber once a warning fired, red when breached, grey when paused, "met" when met. */
function TargetChip({ chip, now }: { chip: Chip; now: number }) {
  const { t, lang } = useStaffT();
  const label = t(`gaps.sla.${chip.target}`);
  const common = { 'data-sla-target': chip.target, title: new Date(chip.dueAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' };
  if (chip.remainingMs === null) {
    return (
      <span className={chip.metLate ? 'chip chip-breached' : 'chip chip-ok'} data-sla="met" {...common}>
        {label}: {t(chip.metLate ? 'gaps.sla.metLate' : 'gaps.sla.met')}
      </span>
    );
  }
  if (chip.state === 'paused') {
    const why = chip.pauseReason === 'appraisal' ? t('gaps.pause.appraisal') : t('gaps.pause.pending');
    return (
      <span className="chip chip-paused" data-sla="paused" {...common}>
        {label}: {t('gaps.sla.pausedFor', { reason: why })}
      </span>
    );
  }
  const left = chip.dueAt - now;
  if (chip.state === 'breached' || left < 0) {
    return (
      <span className="chip chip-breached" data-sla="breached" {...common}>
        {label}: {t('sla.breached', { time: formatDuration(left, lang) })}
      </span>
    );
  }
  return (
    <span className={chip.warned ? 'chip chip-warning' : 'chip chip-ok'} data-sla={chip.warned ? 'warning' : 'ok'} {...common}>
      {label}: {t('sla.left', { time: formatDuration(left, lang) })}
    </span>
  );
}

function RiskProfile({ profile }: { profile: NonNullable<WorkspaceData['profile']> }) {
  const { t } = useStaffT();
  return (
    <div data-risk-profile>
      <h3>{t('gaps.risk')}</h3>
      <p>
        <strong data-risk-level={profile.riskLevel ?? ''}>{profile.riskLevel ?? t('gaps.riskNone')}</strong>
        {profile.assessedOn ? <span data-assessed-on={profile.assessedOn}> · {t('gaps.assessedOn', { date: profile.assessedOn })}</span> : null}
        {profile.riskLevel && !profile.assessmentCurrent ? <span className="warning"> · {t('gaps.assessmentStale')}</span> : null}
        {profile.age !== null ? ` · ${t('gaps.age', { age: profile.age })}` : ''}
      </p>
      {profile.vulnerable ? (
        <p className="flag" data-vulnerable>
          {t('gaps.vulnerable')}
        </p>
      ) : null}
      <h3>{t('gaps.holdings')}</h3>
      {profile.holdings.length === 0 ? (
        <p className="hint">{t('gaps.noHoldings')}</p>
      ) : (
        <ul>
          {profile.holdings.map((h) => (
            <li key={h.productCode} data-holding={h.productCode} data-holding-risk={h.riskLevel}>
              {h.name} ({h.productCode}) · {h.riskLevel}
              {h.aboveRiskLevel ? <strong className="warning"> · {t('gaps.aboveRisk')}</strong> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MergeCustomer({ result, busy }: { result: ActionResult; busy: boolean }) {
  const { t } = useStaffT();
  const candidate = result?.intent === 'findCustomer' ? result.candidate : undefined;
  return (
    <section className="panel stack" aria-label={t('gaps.mergeCustomer')}>
      <h2>{t('gaps.mergeCustomer')}</h2>
      <p className="hint">{t('gaps.mergeCustomerHelp')}</p>
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="intent" value="findCustomer" />
        <label>
          {t('gaps.identifier')} <input name="identifier" required maxLength={200} />
        </label>
        <button type="submit" disabled={busy}>
          {t('gaps.find')}
        </button>
      </Form>
      {candidate ? (
        <Form method="post" className="stack" data-merge-confirm>
          <CsrfField />
          <input type="hidden" name="intent" value="mergeCustomer" />
          <input type="hidden" name="otherId" value={candidate.id} />
          <p role="status">
            {t('gaps.mergeCustomerConfirm', {
              other: [candidate.name, candidate.number].filter(Boolean).join(' · ') || `#${candidate.id}`,
              tickets: candidate.tickets,
              contacts: candidate.contacts.join(', ') || '—',
            })}
          </p>
          <button type="submit" className="primary" disabled={busy}>
            {t('gaps.confirmMerge')}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

function SlaActions({ d, busy }: { d: WorkspaceData; busy: boolean }) {
  const { t, lang } = useStaffT();
  const open = d.slaActions.steps.filter((x) => !x.done);
  const resolution = d.sla.find((c) => c.target === 'resolution');
  const appraising = resolution?.state === 'paused' && resolution.pauseReason === 'appraisal';
  return (
    <section className="panel stack" aria-label={t('gaps.extend')}>
      {open.length > 0 ? (
        <>
          <h2>{t('gaps.extend')}</h2>
          <Form method="post" className="stack" data-extend>
            <CsrfField />
            <input type="hidden" name="intent" value="extend" />
            <label>
              {t('gaps.step')}{' '}
              <select name="step" defaultValue={open[0]!.step}>
                {open.map((x) => (
                  <option key={x.step} value={x.step}>
                    {x.step}. {x.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('gaps.approver')}{' '}
              <select name="approver" required defaultValue="">
                <option value="" disabled>
                  —
                </option>
                {d.approvers.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({roleLabels[lang][a.role]})
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('gaps.extendReason')}
              <textarea name="reason" required maxLength={2000} />
            </label>
            <button type="submit" disabled={busy}>
              {t('gaps.extendButton')}
            </button>
          </Form>
        </>
      ) : null}
      {d.slaActions.appraisal ? (
        <>
          <h2>{t('gaps.appraisal')}</h2>
          {appraising ? (
            <Form method="post" className="stack" data-appraisal="on">
              <CsrfField />
              <input type="hidden" name="intent" value="appraisalEnd" />
              <p>{t('gaps.appraisalActive', { date: resolution.pausedSince?.slice(0, 16).replace('T', ' ') ?? '', reason: String(d.history.findLast((h) => h.type === 'sla.paused' && h.data.reason === 'appraisal')?.data.note ?? '') })}</p>
              <button type="submit" disabled={busy}>
                {t('gaps.appraisalEnd')}
              </button>
            </Form>
          ) : (
            <Form method="post" className="stack" data-appraisal="off">
              <CsrfField />
              <input type="hidden" name="intent" value="appraisalStart" />
              <label>
                {t('gaps.appraisalWhat')} <input name="reason" required maxLength={1000} />
              </label>
              <button type="submit" disabled={busy}>
                {t('gaps.appraisalStart')}
              </button>
            </Form>
          )}
        </>
      ) : null}
    </section>
  );
}

function History({ items }: { items: WorkspaceData['history'] }) {
  const { t } = useStaffT();
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const who = (c: unknown) => {
    const x = (c ?? {}) as { name?: unknown; customerNumber?: unknown; contacts?: unknown };
    return [str(x.name), str(x.customerNumber), ...(Array.isArray(x.contacts) ? x.contacts.map(str) : [])].filter(Boolean).join(' · ');
  };
  function line(h: WorkspaceData['history'][number]): string {
    const by = str(h.data.by) || h.actor || '';
    switch (h.type) {
      case 'customer.merged':
        return t('gaps.ev.customerMerged', { by, merged: who(h.data.merged), kept: who(h.data.kept) });
      case 'ticket.merged':
        return t('gaps.ev.ticketMerged', { by, reference: str(h.data.into) });
      case 'ticket.merged_from':
        return t('gaps.ev.ticketMergedFrom', { by, reference: str(h.data.from) });
      case 'sla.extended':
        return t('gaps.ev.slaExtended', { step: str(h.data.step), reason: str(h.data.reason), due: str(h.data.dueAt).slice(0, 16).replace('T', ' ') });
      case 'sla.paused':
        return `${t(`gaps.sla.${str(h.data.target)}` as StaffKey)}: ${t('gaps.ev.slaPaused', { reason: str(h.data.note) || t(h.data.reason === 'appraisal' ? 'gaps.pause.appraisal' : 'gaps.pause.pending') })}`;
      default:
        return `${t(`gaps.sla.${str(h.data.target)}` as StaffKey)}: ${t('gaps.ev.slaResumed')}`;
    }
  }
  return (
    <section className="panel" aria-label={t('gaps.history')}>
      <h2>{t('gaps.history')}</h2>
      <ul>
        {items.map((h) => (
          <li key={h.id} data-event={h.type}>
            <time dateTime={new Date(h.at).toISOString()}>{new Date(h.at).toISOString().slice(0, 16).replace('T', ' ')}</time> {line(h)}
          </li>
        ))}
      </ul>
    </section>
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

