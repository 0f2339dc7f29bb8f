// intake(): the one entry every channel uses. Finds or creates the customer, threads the
// message into a ticket or opens one, stores the message, its attachments, events and outbox
// rows, all in one write transaction (intakeGrouped: one savepoint of a transaction shared with
// the intakes that arrive with it). The same provider message id twice is a no-op.
import type { InboundMessage } from '../../channels/types';
import { writeTransaction, type Tx } from '../../db/client';
import { groupedWriteTransaction } from '../../db/group-commit';
import type { Cause, Channel, ContactKind, Language, Priority, Product, TicketKind } from '../../db/constants';
import {
  addContacts,
  completeCustomer,
  findCustomerIdByNumber,
  findCustomerIdsByContacts,
  insertCustomer,
  type ContactInput,
} from '../../db/store/customers';
import { claimAckSlot } from '../../db/store/email';
import { queueOutbox } from '../../db/store/outbox';
import {
  appendEvent,
  findMessageByProviderId,
  findTicketById,
  insertAttachments,
  insertMessage,
  insertTicket,
  insertTrackingToken,
  nextReferenceNumber,
  touchTicket,
  type TicketRow,
} from '../../db/store/tickets';
import { emailAcknowledgement, smsAcknowledgement } from './acknowledgement';
import { discardAttachmentFiles, prepareAttachments, type StoredFile } from './attachment-store.server';
import { runHooks, type TicketContext } from './context';
import { detectLanguage } from './language';
import { formatReference } from './reference';
import { subjectFromText } from './subject';
import { newEmailMessageId } from './reply.server';
import { resolveThread } from './threading.server';
import { hashToken, newTrackingToken, replyTokenOf, trackingUrl } from './tracking-token.server';

/** An email sender gets at most one acknowledgement in this window (auto-responders answer each other forever otherwise). */
export const EMAIL_ACK_WINDOW_MS = 10 * 60 * 1000;

/** Automated mail (auto-reply, bounce) that continues no thread: it never opens a ticket by itself. */
export class NoThreadForAutomated extends Error {}

// The channel vocabularies of channels/ and db/ must stay the same.
const _sameChannels: Channel = '' as InboundMessage['channel'];
void _sameChannels;

/** What the web form, the staff "log a call" form and the API know beyond the message itself. */
export interface TicketFields {
  kind?: TicketKind;
  feedbackType?: 'suggestion' | 'compliment' | null;
  product?: Product | null;
  cause?: Cause | null;
  priority?: Priority;
  occurredOn?: string | null;
  amountMinor?: number | null;
  currency?: string | null;
  outcomeWanted?: string | null;
  customerNumber?: string | null;
  consentToContact?: boolean;
  /** Staff member who logged a phone call or branch visit. */
  loggedBy?: number | null;
  /** Who opened the ticket on the client's behalf when it was not staff (an API token). */
  openedBy?: { type: 'api'; id: string } | null;
}

export interface IntakeResult {
  ticketId: number;
  reference: string;
  customerId: number;
  messageId: number;
  /** A new ticket was opened (false when the message joined one). */
  created: boolean;
  /** The provider message id was seen before: nothing changed. */
  duplicate: boolean;
  /** The tracking token of a new ticket; shown once, on the confirmation page. */
  trackingToken: string | null;
}

export function contactsOf(sender: InboundMessage['sender']): ContactInput[] {
  const out: ContactInput[] = [];
  if (sender.email) out.push({ kind: 'email' satisfies ContactKind, value: sender.email.toLowerCase() });
  if (sender.phone) out.push({ kind: 'phone' satisfies ContactKind, value: sender.phone });
  return out;
}

export function intake(
  ctx: TicketContext,
  message: InboundMessage,
  fields: TicketFields = {},
  now: Date = message.receivedAt,
): IntakeResult {
  const prepared = prepareIntake(ctx, message);
  try {
    return settled(ctx, prepared, writeTransaction(ctx.db, (tx) => intakeInTransaction(ctx, tx, prepared.message, fields, prepared.files, now)));
  } catch (error) {
    discardAttachmentFiles(ctx.attachmentDir, prepared.files);
    throw error;
  }
}

/**
 * intake() committed together with the other intakes of this turn of the event loop (group
 * commit, db/group-commit.ts): resolves once the ticket is committed. For callers that answer
 * asynchronously anyway (the portal's forms), where many requests arrive at once.
 */
export async function intakeGrouped(
  ctx: TicketContext,
  message: InboundMessage,
  fields: TicketFields = {},
  now: Date = message.receivedAt,
): Promise<IntakeResult> {
  const prepared = prepareIntake(ctx, message);
  try {
    return settled(ctx, prepared, await groupedWriteTransaction(ctx.db, (tx) => intakeInTransaction(ctx, tx, prepared.message, fields, prepared.files, now)));
  } catch (error) {
    discardAttachmentFiles(ctx.attachmentDir, prepared.files);
    throw error;
  }
}

interface PreparedIntake {
  message: InboundMessage;
  files: StoredFile[];
}

/** The sender's email lower-cased, and the attachments' bytes written before the write lock is taken. */
function prepareIntake(ctx: TicketContext, message: InboundMessage): PreparedIntake {
  if (message.sender.email) message = { ...message, sender: { ...message.sender, email: message.sender.email.toLowerCase() } };
  return { message, files: prepareAttachments(ctx.attachmentDir, message.attachments) };
}

/** A duplicate stored nothing: its attachment files go. */
function settled(ctx: TicketContext, prepared: PreparedIntake, result: IntakeResult): IntakeResult {
  if (result.duplicate) discardAttachmentFiles(ctx.attachmentDir, prepared.files);
  return result;
}

function intakeInTransaction(
  ctx: TicketContext,
  tx: Tx,
  message: InboundMessage,
  fields: TicketFields,
  files: StoredFile[],
  now: Date,
): IntakeResult {
  const seen = findMessageByProviderId(tx, message.channel, message.providerMessageId);
  if (seen) {
    const ticket = findTicketById(tx, seen.ticketId)!;
    return {
      ticketId: ticket.id,
      reference: ticket.reference,
      customerId: ticket.customerId,
      messageId: seen.id,
      created: false,
      duplicate: true,
      trackingToken: null,
    };
  }

  const contacts = contactsOf(message.sender);
  const language: Language = message.language ?? detectLanguage(`${message.subject ?? ''} ${message.text}`);
  const thread = resolveThread(tx, { hints: message.threadHints, contacts, now, allowNew: message.automated === undefined });

  let ticket: TicketRow | undefined = thread.ticket;
  if (!ticket && message.automated !== undefined) throw new NoThreadForAutomated(`${message.automated} continues no thread`);
  const customerId = ticket?.customerId ?? findOrCreateCustomer(tx, message, fields, contacts, language, now);
  if (ticket) {
    addContacts(tx, customerId, contacts, now);
  }

  let trackingToken: string | null = null;
  const created = ticket === undefined;
  if (!ticket) {
    const kind = fields.kind ?? 'complaint';
    const year = now.getUTCFullYear();
    const reference = formatReference(kind, year, nextReferenceNumber(tx, kind, year));
    ticket = insertTicket(tx, {
      reference,
      kind,
      feedbackType: kind === 'feedback' ? (fields.feedbackType ?? null) : null,
      channel: message.channel,
      status: 'new',
      priority: fields.priority ?? 'normal',
      product: fields.product ?? null,
      cause: fields.cause ?? null,
      subject: message.subject?.trim() || subjectFromText(message.text),
      customerId,
      level: 0,
      language,
      occurredOn: fields.occurredOn ?? null,
      amountMinor: fields.amountMinor ?? null,
      currency: fields.amountMinor != null ? (fields.currency ?? 'CNY') : null,
      outcomeWanted: fields.outcomeWanted ?? null,
      consentToContact: fields.consentToContact ?? false,
      createdAt: now,
      updatedAt: now,
      lastMessageAt: now,
    });
    trackingToken = newTrackingToken();
    insertTrackingToken(tx, ticket.id, hashToken(trackingToken), now);
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'ticket.created',
      actorType: fields.openedBy?.type ?? (fields.loggedBy ? 'staff' : 'client'),
      actorId: fields.openedBy?.id ?? (fields.loggedBy ? String(fields.loggedBy) : null),
      data: { channel: message.channel, kind },
      public: true,
      at: now,
    });
  }

  const stored = insertMessage(tx, {
    ticketId: ticket.id,
    direction: 'in',
    channel: message.channel,
    authorType: fields.loggedBy ? 'staff' : 'client',
    authorStaffId: fields.loggedBy ?? null,
    senderAddress: message.sender.email ?? message.sender.phone ?? message.sender.other ?? null,
    senderName: message.sender.name ?? null,
    subject: message.subject ?? null,
    text: message.text,
    html: message.html ?? null,
    providerMessageId: message.providerMessageId,
    meta: message.meta || message.automated ? JSON.stringify({ ...message.meta, automated: message.automated }) : null,
    createdAt: now,
  });
  insertAttachments(
    tx,
    files.map((f) => ({ ...f, messageId: stored.id, ticketId: ticket.id, createdAt: now, nextAttemptAt: f.state === 'pending' ? now : null })),
  );
  appendEvent(tx, {
    ticketId: ticket.id,
    type: 'message.received',
    actorType: 'client',
    data: { messageId: stored.id, channel: message.channel, attachments: files.length, automated: message.automated ?? null },
    public: true,
    at: now,
  });

  if (!created) {
    const reopened = ticket.status === 'resolved' && message.automated === undefined;
    const status = ticket.status === 'pending' || reopened ? 'open' : ticket.status;
    touchTicket(tx, ticket.id, { status, lastMessageAt: now, resolvedAt: reopened ? null : ticket.resolvedAt, now });
    if (status !== ticket.status) {
      appendEvent(tx, {
        ticketId: ticket.id,
        type: reopened ? 'ticket.reopened' : 'status.changed',
        actorType: 'client',
        data: { from: ticket.status, to: status },
        public: true,
        at: now,
      });
    }
  }

  if (created && message.automated === undefined) {
    queueAcknowledgements(tx, ticket, message, trackingToken!, ctx.publicUrl, fields, now);
  }

  runHooks(ctx, tx, { ticketId: ticket.id, trigger: created ? 'ticket.created' : 'message.received', messageId: stored.id, now });

  return {
    ticketId: ticket.id,
    reference: ticket.reference,
    customerId,
    messageId: stored.id,
    created,
    duplicate: false,
    trackingToken,
  };
}

function findOrCreateCustomer(
  tx: Tx,
  message: InboundMessage,
  fields: TicketFields,
  contacts: ContactInput[],
  language: Language,
  now: Date,
): number {
  const known = findCustomerIdsByContacts(tx, contacts);
  // Email first: it is the more specific identity when a client gives both.
  let customerId = contacts.map((c) => known.get(`${c.kind}:${c.value}`)).find((id) => id !== undefined);
  if (customerId === undefined && fields.customerNumber) customerId = findCustomerIdByNumber(tx, fields.customerNumber);
  const name = message.sender.name?.trim() || null;
  if (customerId === undefined) {
    customerId = insertCustomer(tx, { name, customerNumber: fields.customerNumber ?? null, language, now });
  } else {
    completeCustomer(tx, customerId, { name, customerNumber: fields.customerNumber ?? null, now });
  }
  addContacts(tx, customerId, contacts, now);
  return customerId;
}

function queueAcknowledgements(
  tx: Tx,
  ticket: TicketRow,
  message: InboundMessage,
  token: string,
  publicUrl: string,
  fields: TicketFields,
  now: Date,
): void {
  const ack = {
    reference: ticket.reference,
    kind: ticket.kind,
    language: ticket.language,
    name: message.sender.name ?? null,
    link: trackingUrl(publicUrl, token),
  };
  // A call logged by staff, or a ticket another system opened, is acknowledged only when the
  // client agreed to be contacted.
  if ((fields.loggedBy || fields.openedBy) && !fields.consentToContact) return;
  // Email: to Reply-To when given, never to an empty return path (ackTo null), and at most
  // once per sender per window. The ack carries its own Message-ID so a reply threads back.
  const ackEmail = message.ackTo === undefined ? message.sender.email : message.ackTo;
  if (ackEmail && (message.channel !== 'email' || claimAckSlot(tx, 'email', ackEmail.toLowerCase(), now, EMAIL_ACK_WINDOW_MS))) {
    const { subject, body } = emailAcknowledgement(ack);
    const messageId = newEmailMessageId(ticket, publicUrl);
    queueOutbox(tx, {
      channel: 'email',
      recipient: ackEmail,
      subject,
      body,
      headers: { 'Auto-Submitted': 'auto-replied', 'Message-ID': messageId, 'X-Redress-Reply-Token': replyTokenOf(hashToken(token)) },
      purpose: 'ack',
      ticketId: ticket.id,
      providerId: messageId,
      now,
    });
  }
  if (message.sender.phone) {
    queueOutbox(tx, {
      channel: 'sms',
      recipient: message.sender.phone,
      body: smsAcknowledgement(ack),
      purpose: 'ack',
      ticketId: ticket.id,
      now,
    });
  }
  appendEvent(tx, {
    ticketId: ticket.id,
    type: 'ack.queued',
    actorType: 'system',
    data: { email: Boolean(ackEmail), sms: Boolean(message.sender.phone) },
    at: now,
  });
}
