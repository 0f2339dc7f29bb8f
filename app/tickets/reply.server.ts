// Staff replies and internal notes. A reply is a message (direction out) plus the outbox rows
// that carry it to the client on their own channel, written in one transaction.
import { randomBytes } from 'node:crypto';
import { writeTransaction, type Tx } from '../../db/client';
import type { ActorType } from '../../db/constants';
import { contactsOfCustomer } from '../../db/store/customers';
import { queueOutbox } from '../../db/store/outbox';
import { appendEvent, findTicketById, insertMessage, messagesOf, trackingTokenHashOfTicket, type TicketRow } from '../../db/store/tickets';
import { runHooks, type TicketContext } from './context';
import { Invalid, NotFound } from './errors';
import { replyTokenOf } from './tracking-token.server';

export type ReplyChannel = 'email' | 'sms';

export interface ReplyInput {
  ticketId: number;
  text: string;
  /** Defaults to the channel the client used; web, phone and branch clients get email, then SMS. */
  channel?: ReplyChannel;
  author: { type: ActorType; staffId?: number | null };
  now: Date;
  /** Outbox purpose (reply by default; decision when resolving). */
  purpose?: string;
}

export interface ReplyResult {
  messageId: number;
  channel: ReplyChannel | 'web';
  recipient: string | null;
}

export const MAX_SMS_CHARS = 1600;

/** The address a reply goes to: the one the client last wrote from on that channel, else any they gave. */
function recipientFor(tx: Tx, ticket: TicketRow, channel: ReplyChannel): string | null {
  const kind = channel === 'email' ? 'email' : 'phone';
  const lastInbound = messagesOf(tx, ticket.id, ['in'])
    .reverse()
    .find((m) => m.channel === channel && m.senderAddress);
  const contacts = contactsOfCustomer(tx, ticket.customerId).filter((c) => c.kind === kind);
  const preferred = lastInbound?.senderAddress ?? contacts[0]?.value ?? null;
  const contact = contacts.find((c) => c.value === preferred);
  if (contact?.optedOutAt) throw new Invalid(`The client has opted out of ${channel === 'sms' ? 'text messages' : 'email'} (${channel}).`);
  if (contact?.undeliverableAt) throw new Invalid('That address is marked undeliverable after a hard bounce.');
  return preferred;
}

function defaultChannel(tx: Tx, ticket: TicketRow): ReplyChannel | 'web' {
  if (ticket.channel === 'email' || ticket.channel === 'sms') return ticket.channel;
  const contacts = contactsOfCustomer(tx, ticket.customerId);
  if (contacts.some((c) => c.kind === 'email' && !c.undeliverableAt)) return 'email';
  if (contacts.some((c) => c.kind === 'phone' && !c.optedOutAt)) return 'sms';
  return 'web';
}

/** Message-ID for outbound mail: random, and naming the ticket so a reply threads back. */
export function newEmailMessageId(ticket: { reference: string }, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'redress.localhost';
  return `<${ticket.reference.toLowerCase()}.${randomBytes(9).toString('base64url')}@${host}>`;
}

export function replyToClient(ctx: TicketContext, input: ReplyInput): ReplyResult {
  return writeTransaction(ctx.db, (tx) => replyInTx(ctx, tx, input));
}

/** For callers that change more in the same transaction (the decision sent when resolving). */
export function replyInTx(ctx: TicketContext, tx: Tx, input: ReplyInput): ReplyResult {
  const text = input.text.trim();
  if (text.length === 0) throw new Invalid('A reply needs some text.');
  {
    const ticket = findTicketById(tx, input.ticketId);
    if (!ticket) throw new NotFound(`No ticket ${input.ticketId}`);
    const channel = input.channel ?? defaultChannel(tx, ticket);
    if (channel === 'sms' && [...text].length > MAX_SMS_CHARS) {
      throw new Invalid(`A text message can hold at most ${MAX_SMS_CHARS} characters.`);
    }
    const recipient = channel === 'web' ? null : recipientFor(tx, ticket, channel);
    if (channel !== 'web' && !recipient) throw new Invalid(`The client has no ${channel === 'sms' ? 'mobile number' : 'email address'}.`);

    const emailMessageId = channel === 'email' ? newEmailMessageId(ticket, ctx.publicUrl) : null;
    const message = insertMessage(tx, {
      ticketId: ticket.id,
      direction: 'out',
      channel: channel === 'web' ? 'web' : channel,
      authorType: input.author.type,
      authorStaffId: input.author.staffId ?? null,
      senderAddress: recipient,
      text,
      providerMessageId: emailMessageId,
      deliveryStatus: channel === 'web' ? null : 'queued',
      createdAt: input.now,
    });
    if (channel === 'email') {
      const thread = messagesOf(tx, ticket.id)
        .filter((m) => m.channel === 'email' && m.providerMessageId && m.id !== message.id)
        .map((m) => m.providerMessageId!);
      const headers: Record<string, string> = { 'Message-ID': emailMessageId! };
      // The sender turns this into Reply-To: reply+<token>@REPLY_TO_DOMAIN when that is configured.
      const tokenHash = trackingTokenHashOfTicket(tx, ticket.id);
      if (tokenHash) headers['X-Redress-Reply-Token'] = replyTokenOf(tokenHash);
      if (thread.length > 0) {
        headers['In-Reply-To'] = thread.at(-1)!;
        headers.References = thread.slice(-10).join(' ');
      }
      queueOutbox(tx, {
        channel: 'email',
        recipient: recipient!,
        subject: `[${ticket.reference}] ${ticket.subject}`,
        body: text,
        headers,
        purpose: input.purpose ?? 'reply',
        ticketId: ticket.id,
        messageId: message.id,
        now: input.now,
      });
    } else if (channel === 'sms') {
      queueOutbox(tx, { channel: 'sms', recipient: recipient!, body: text, purpose: input.purpose ?? 'reply', ticketId: ticket.id, messageId: message.id, now: input.now });
    }
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'reply.sent',
      actorType: input.author.type,
      actorId: input.author.staffId != null ? String(input.author.staffId) : null,
      data: { messageId: message.id, channel },
      public: true,
      at: input.now,
    });
    runHooks(ctx, tx, { ticketId: ticket.id, trigger: 'reply.sent', messageId: message.id, data: { channel }, now: input.now });
    return { messageId: message.id, channel, recipient };
  }
}

export function addNote(ctx: TicketContext, input: { ticketId: number; text: string; author: { type: ActorType; staffId?: number | null }; now: Date }): number {
  const text = input.text.trim();
  if (text.length === 0) throw new Invalid('A note needs some text.');
  return writeTransaction(ctx.db, (tx) => {
    const ticket = findTicketById(tx, input.ticketId);
    if (!ticket) throw new NotFound(`No ticket ${input.ticketId}`);
    const message = insertMessage(tx, {
      ticketId: ticket.id,
      direction: 'note',
      channel: ticket.channel,
      authorType: input.author.type,
      authorStaffId: input.author.staffId ?? null,
      text,
      createdAt: input.now,
    });
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'note.added',
      actorType: input.author.type,
      actorId: input.author.staffId != null ? String(input.author.staffId) : null,
      data: { messageId: message.id },
      at: input.now,
    });
    return message.id;
  });
}
