// Escalation levels (0 front line, 1 team lead, 2 complaints manager, 3 compliance officer),
// who the recipients of a level or a rule's notice are, and the staff notices themselves,
// queued in the outbox in each recipient's language. Escalation only ever goes up.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import type { ActorType } from '../../db/constants';
import { queueOutbox } from '../../db/store/outbox';
import { activeStaffByEmails, activeStaffByRoles, raiseTicketLevel, staffById, teamIdByName, type StaffRow } from '../../db/store/escalation';
import { appendEvent, findTicketById, type TicketRow } from '../../db/store/tickets';
import { STAFF_ROLES } from '../../db/constants';
import { loadEscalationConfig, type EscalationConfig } from './config.server';
import { DEFAULT_LEVELS } from './default-rules';
import type { Level, NotifyChannel, Recipient, TemplateName } from './rule-schema';
import { renderTemplate } from './templates';

export interface Notifier {
  publicUrl: string;
  /** channel:address:template already queued in this evaluation, so one change never sends the same notice twice. */
  sent: Set<string>;
}

export function levelOf(config: EscalationConfig, level: number): Level {
  return config.levels.get(level) ?? DEFAULT_LEVELS[String(level) as '0' | '1' | '2' | '3'];
}

function uniqueStaff(rows: StaffRow[]): StaffRow[] {
  const seen = new Set<number>();
  return rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

export function levelRecipients(tx: Tx, ticket: TicketRow, level: number, config: EscalationConfig): StaffRow[] {
  const def = levelOf(config, level);
  const teamId = def.team === 'ticket' ? ticket.teamId : null;
  let byRole = activeStaffByRoles(tx, def.roles, teamId);
  // A team-scoped level on a ticket whose team has nobody in that role reaches the role at large.
  if (byRole.length === 0 && teamId !== null) byRole = activeStaffByRoles(tx, def.roles, null);
  return uniqueStaff([...byRole, ...activeStaffByEmails(tx, def.people)]);
}

export function recipientsOf(tx: Tx, ticket: TicketRow, to: Recipient, config: EscalationConfig): StaffRow[] {
  switch (to.type) {
    case 'role':
      return activeStaffByRoles(tx, [to.role], null);
    case 'team': {
      const teamId = teamIdByName(tx, to.team);
      return teamId === undefined ? [] : activeStaffByRoles(tx, [...STAFF_ROLES], teamId);
    }
    case 'person':
      return activeStaffByEmails(tx, [to.person]);
    case 'level':
      return levelRecipients(tx, ticket, to.level, config);
    case 'assignee': {
      const s = ticket.assigneeId !== null ? staffById(tx, ticket.assigneeId) : undefined;
      return s && !s.disabledAt ? [s] : [];
    }
    case 'teamLead':
      return levelRecipients(tx, ticket, 1, config);
  }
}

export interface NoticeInput {
  /** The ticket as it now stands (level and priority are in the notice). */
  ticket: TicketRow;
  people: StaffRow[];
  via: NotifyChannel[];
  template: TemplateName;
  values: { rule: string; matched: string; target: string };
  config: EscalationConfig;
  notifier: Notifier;
  now: Date;
}

/** Queues the notice to each person on each channel they can receive it on; returns how many rows it queued. */
export function queueStaffNotice(tx: Tx, n: NoticeInput): number {
  const ticket = n.ticket;
  let queued = 0;
  for (const person of n.people) {
    const level = levelOf(n.config, ticket.level);
    const t = renderTemplate(n.template, person.language, {
      reference: ticket.reference,
      subject: ticket.subject,
      level: String(ticket.level),
      levelName: level.name[person.language],
      rule: n.values.rule,
      matched: n.values.matched,
      link: `${n.notifier.publicUrl}/staff/tickets/${ticket.reference}`,
      priority: ticket.priority,
      target: n.values.target,
    });
    for (const channel of n.via) {
      const address = channel === 'email' ? person.email : person.phone;
      if (!address) continue;
      const key = `${channel}:${address}:${n.template}`;
      if (n.notifier.sent.has(key)) continue;
      n.notifier.sent.add(key);
      queueOutbox(tx, {
        channel,
        recipient: address,
        subject: channel === 'email' ? t.subject : null,
        body: channel === 'email' ? t.body : t.sms,
        headers: channel === 'email' ? { 'Auto-Submitted': 'auto-generated' } : undefined,
        purpose: 'escalation',
        ticketId: ticket.id,
        now: n.now,
      });
      queued++;
    }
  }
  return queued;
}

export interface EscalateInput {
  ticketId: number;
  /** The ticket as it now stands, when the caller holds it (saves reading it again). */
  current?: TicketRow;
  /** The level to reach; a ticket already at or above it stays where it is. */
  to: number;
  actor: { type: ActorType; id?: string | null };
  reason: string;
  notify: NotifyChannel[];
  template: TemplateName;
  values: { rule: string; matched: string; target: string };
  config: EscalationConfig;
  notifier: Notifier;
  now: Date;
}

/**
 * Raises a ticket to a level (never down), records who or what did it and why, and notifies
 * that level's recipients through the outbox. Exported for the staff "escalate" action too.
 */
export function escalateInTx(tx: Tx, e: EscalateInput): { escalated: boolean; from: number; notified: number } {
  const ticket = e.current ?? findTicketById(tx, e.ticketId);
  if (!ticket) return { escalated: false, from: 0, notified: 0 };
  const to = Math.min(3, Math.max(0, e.to));
  if (to <= ticket.level || !raiseTicketLevel(tx, ticket.id, to, e.now)) return { escalated: false, from: ticket.level, notified: 0 };
  const raised = { ...ticket, level: to };
  const people = levelRecipients(tx, raised, to, e.config);
  appendEvent(tx, {
    ticketId: ticket.id,
    type: 'ticket.escalated',
    actorType: e.actor.type,
    actorId: e.actor.id ?? null,
    data: { from: ticket.level, to, reason: e.reason, notified: people.map((p) => p.id) },
    at: e.now,
  });
  const notified =
    e.notify.length === 0
      ? 0
      : queueStaffNotice(tx, { ticket: raised, people, via: e.notify, template: e.template, values: e.values, config: e.config, notifier: e.notifier, now: e.now });
  return { escalated: true, from: ticket.level, notified };
}

/**
 * A person escalating by hand (the staff workspace's "escalate with a reason"): same rules as
 * a rule's escalation — only up, recorded with who and why, the level notified by email.
 */
export function escalateTicket(
  db: Db,
  input: { ticketId: number; to: number; staffId: number; reason: string; publicUrl: string; now: Date },
): { escalated: boolean; from: number; notified: number } {
  return writeTransaction(db, (tx) =>
    escalateInTx(tx, {
      ticketId: input.ticketId,
      to: input.to,
      actor: { type: 'staff', id: String(input.staffId) },
      reason: input.reason,
      notify: ['email'],
      template: 'escalated',
      values: { rule: input.reason, matched: input.reason, target: '' },
      config: loadEscalationConfig(tx),
      notifier: { publicUrl: input.publicUrl, sent: new Set() },
      now: input.now,
    }),
  );
}
