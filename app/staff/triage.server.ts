// What staff do to tickets beyond replies and status: assign, prioritise, escalate, resolve
// with the case review and the decision letter, and log a call or branch visit. Each is one
// write transaction with its event rows; permission and visibility are checked by the
// caller (the route's guard) and again here where the ticket is read.
import { randomBytes } from 'node:crypto';
import type { InboundMessage } from '../../channels/types';
import { writeTransaction, type Tx } from '../../db/client';
import type { Priority } from '../../db/constants';
import { findStaffById } from '../../db/store/staff';
import { appendEvent, findTicketById, insertTrackingToken, type TicketRow } from '../../db/store/tickets';
import {
  customerPanel,
  findTeam,
  insertCaseReview,
  leastLoadedMember,
  setTicketAssignment,
  setTicketLevel,
  setTicketPriority,
} from '../../db/store/triage';
import type { TicketContext } from '../tickets/context';
import { Invalid, NotFound } from '../tickets/errors';
import { intake, type IntakeResult, type TicketFields } from '../tickets/intake.server';
import { replyInTx } from '../tickets/reply.server';
import { changeStatusInTx } from '../tickets/status.server';
import { hashToken, newTrackingToken, trackingUrl } from '../tickets/tracking-token.server';
import { decisionText, formatMinor, type Outcome, type Regime, type RootCause } from './decision';
import { can, canSeeTicket, type Viewer } from './permissions';

export type Actor = Viewer & { name: string };

/** Reads a ticket the actor may see; anything else is "not found". */
export function visibleTicket(tx: Tx, actor: Viewer, ticketId: number): TicketRow {
  const ticket = findTicketById(tx, ticketId);
  if (!ticket || !canSeeTicket(actor, ticket)) throw new NotFound('No such ticket');
  return ticket;
}

export type AssignTarget =
  | { kind: 'me' }
  | { kind: 'user'; userId: number }
  | { kind: 'team'; teamId: number; roundRobin: boolean }
  | { kind: 'nobody' };

export function assignInTx(tx: Tx, actor: Actor, ticketId: number, target: AssignTarget, now: Date): void {
  const ticket = visibleTicket(tx, actor, ticketId);
  if (target.kind !== 'me' && !can(actor.role, 'tickets.assign')) throw new NotFound('No such action');
  let assigneeId: number | null = null;
  let teamId: number | null = ticket.teamId;
  if (target.kind === 'me') {
    assigneeId = actor.id;
    teamId = actor.teamId ?? ticket.teamId;
  } else if (target.kind === 'user') {
    const user = findStaffById(tx, target.userId);
    if (!user || user.disabledAt || !can(user.role, 'tickets.work')) throw new Invalid('That person cannot take tickets.');
    assigneeId = user.id;
    teamId = user.teamId ?? ticket.teamId;
  } else if (target.kind === 'team') {
    if (!findTeam(tx, target.teamId)) throw new Invalid('No such team.');
    teamId = target.teamId;
    assigneeId = target.roundRobin ? (leastLoadedMember(tx, target.teamId) ?? null) : null;
  }
  if (assigneeId === ticket.assigneeId && teamId === ticket.teamId) return;
  setTicketAssignment(tx, ticket.id, { assigneeId, teamId }, now);
  appendEvent(tx, {
    ticketId: ticket.id,
    type: 'ticket.assigned',
    actorType: 'staff',
    actorId: String(actor.id),
    data: { from: ticket.assigneeId, to: assigneeId, team: teamId, roundRobin: target.kind === 'team' && target.roundRobin },
    at: now,
  });
}

export function assignTicket(ctx: TicketContext, actor: Actor, ticketId: number, target: AssignTarget, now: Date): void {
  writeTransaction(ctx.db, (tx) => assignInTx(tx, actor, ticketId, target, now));
}

export function setPriorityInTx(tx: Tx, actor: Actor, ticketId: number, priority: Priority, now: Date): void {
  const ticket = visibleTicket(tx, actor, ticketId);
  if (ticket.priority === priority) return;
  setTicketPriority(tx, ticket.id, priority, now);
  appendEvent(tx, {
    ticketId: ticket.id,
    type: 'priority.changed',
    actorType: 'staff',
    actorId: String(actor.id),
    data: { from: ticket.priority, to: priority },
    at: now,
  });
}

export function setPriority(ctx: TicketContext, actor: Actor, ticketId: number, priority: Priority, now: Date): void {
  writeTransaction(ctx.db, (tx) => setPriorityInTx(tx, actor, ticketId, priority, now));
}

export const MAX_LEVEL = 3;

export function escalate(ctx: TicketContext, actor: Actor, ticketId: number, reason: string, now: Date): number {
  const why = reason.trim();
  if (!why) throw new Invalid('Say why the ticket is escalated.', { reason: ['Required'] });
  return writeTransaction(ctx.db, (tx) => {
    const ticket = visibleTicket(tx, actor, ticketId);
    if (ticket.level >= MAX_LEVEL) throw new Invalid('The ticket is already at the highest level.');
    const level = ticket.level + 1;
    setTicketLevel(tx, ticket.id, level, now);
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'ticket.escalated',
      actorType: 'staff',
      actorId: String(actor.id),
      data: { from: ticket.level, to: level, reason: why },
      at: now,
    });
    return level;
  });
}

export interface ResolveInput {
  ticketId: number;
  outcome: Outcome;
  redressMinor: number | null;
  currency: string;
  rootCause: RootCause;
  lesson: string;
  explanation: string;
  regime: Regime;
  now: Date;
}

/**
 * Resolves a ticket with its case review, and sends the decision on the client's channel with
 * their referral rights and a fresh rating link. One transaction: no review without the
 * decision, no decision without the review.
 */
export function resolveWithReview(ctx: TicketContext, actor: Actor, input: ResolveInput): { messageId: number; channel: string } {
  if (!input.lesson.trim()) throw new Invalid('Write the lesson learned.', { lesson: ['Required'] });
  if (!input.explanation.trim()) throw new Invalid('Explain the decision to the client.', { explanation: ['Required'] });
  return writeTransaction(ctx.db, (tx) => {
    const ticket = visibleTicket(tx, actor, input.ticketId);
    if (ticket.status === 'resolved' || ticket.status === 'closed') throw new Invalid(`The ticket is already ${ticket.status}.`);
    insertCaseReview(tx, {
      ticketId: ticket.id,
      outcome: input.outcome,
      redressMinor: input.redressMinor,
      currency: input.redressMinor != null ? input.currency : null,
      rootCause: input.rootCause,
      lesson: input.lesson.trim(),
      reviewerId: actor.id,
      now: input.now,
    });
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'case.reviewed',
      actorType: 'staff',
      actorId: String(actor.id),
      data: { outcome: input.outcome, rootCause: input.rootCause, redressMinor: input.redressMinor, regime: input.regime },
      at: input.now,
    });
    // The client's original link is only in their hands; the rating link gets a token of its own.
    const token = newTrackingToken();
    insertTrackingToken(tx, ticket.id, hashToken(token), input.now);
    const { customer } = customerPanel(tx, ticket.customerId);
    const text = decisionText({
      reference: ticket.reference,
      language: ticket.language,
      name: customer?.name ?? null,
      outcome: input.outcome,
      explanation: input.explanation,
      redress: input.redressMinor != null ? formatMinor(input.redressMinor, input.currency) : null,
      regime: input.regime,
      rateLink: `${trackingUrl(ctx.publicUrl, token)}/rate`,
    });
    const sent = replyInTx(ctx, tx, {
      ticketId: ticket.id,
      text,
      author: { type: 'staff', staffId: actor.id },
      purpose: 'decision',
      now: input.now,
    });
    changeStatusInTx(ctx, tx, { ticketId: ticket.id, to: 'resolved', actor: { type: 'staff', id: String(actor.id) }, reason: input.outcome, now: input.now });
    return { messageId: sent.messageId, channel: sent.channel };
  });
}

export interface LogContactInput {
  channel: 'phone' | 'branch';
  /** Random per form render: submitting the same form twice opens one ticket. */
  formId: string;
  name: string;
  email: string | null;
  phone: string | null;
  text: string;
  subject: string | null;
  fields: TicketFields;
  language: 'zh' | 'en';
  now: Date;
}

/** A call or a branch visit, logged by staff: the same intake() as every other channel. */
export function logContact(ctx: TicketContext, actor: Actor, input: LogContactInput): IntakeResult {
  const message: InboundMessage = {
    channel: input.channel,
    sender: { name: input.name, email: input.email ?? undefined, phone: input.phone ?? undefined },
    subject: input.subject ?? undefined,
    text: input.text,
    attachments: [],
    providerMessageId: `staff-log-${input.formId}`,
    threadHints: [],
    receivedAt: input.now,
    language: input.language,
  };
  return intake(ctx, message, { ...input.fields, loggedBy: actor.id }, input.now);
}

export function newFormId(): string {
  return randomBytes(12).toString('base64url');
}
