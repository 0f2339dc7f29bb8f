// What happens to a text once its webhook is verified and translated: a carrier keyword
// (STOP, START, HELP) changes the number's opt-out state or answers it; anything else goes to
// intake() like every other channel. Both paths are one transaction and idempotent by MessageSid.
import type { InboundMessage } from '../../channels/types';
import type { SmsKeyword } from '../../channels/sms/keywords';
import { writeTransaction } from '../../db/client';
import { addContacts, insertCustomer } from '../../db/store/customers';
import { queueOutbox } from '../../db/store/outbox';
import {
  customerLanguage,
  findPhoneContact,
  insertKeywordMessage,
  isPhoneOptedOut,
  keywordMessageSeen,
  latestTicketOfCustomer,
  setPhoneOptOut,
} from '../../db/store/sms';
import { appendEvent } from '../../db/store/tickets';
import type { TicketContext } from '../tickets/context';
import { intake } from '../tickets/intake.server';
import { detectLanguage } from '../tickets/language';
import { smsHelpText } from './help-text';

export interface SmsReceipt {
  kind: 'message' | 'keyword';
  keyword: SmsKeyword | null;
  /** The MessageSid was seen before: nothing changed. */
  duplicate: boolean;
  ticketId: number | null;
  /** Rows were queued for sending (the dispatcher can be woken). */
  queued: boolean;
  /** MMS media wait to be fetched (the media worker can be woken). */
  pendingMedia: boolean;
}

export function receiveSms(ctx: TicketContext, input: { message: InboundMessage; keyword: SmsKeyword | null }, now: Date): SmsReceipt {
  const { message } = input;
  const phone = message.sender.phone;
  // START and YES are also ordinary words: they are a command only from a number that opted out.
  const keyword = input.keyword === 'start' && phone && !isPhoneOptedOut(ctx.db, phone) ? null : input.keyword;
  if (keyword && phone) return receiveKeyword(ctx, { keyword, phone, message }, now);

  const r = intake(ctx, message, {}, now);
  return {
    kind: 'message',
    keyword: null,
    duplicate: r.duplicate,
    ticketId: r.ticketId,
    queued: r.created && !r.duplicate && Boolean(phone),
    pendingMedia: !r.duplicate && message.attachments.some((a) => a.sourceUrl),
  };
}

const EVENT_OF: Record<SmsKeyword, string> = { stop: 'sms.opted_out', start: 'sms.opted_in', help: 'sms.help' };

function receiveKeyword(
  ctx: TicketContext,
  { keyword, phone, message }: { keyword: SmsKeyword; phone: string; message: InboundMessage },
  now: Date,
): SmsReceipt {
  return writeTransaction(ctx.db, (tx) => {
    const base = { kind: 'keyword' as const, keyword, pendingMedia: false };
    if (keywordMessageSeen(tx, message.providerMessageId)) return { ...base, duplicate: true, ticketId: null, queued: false };

    // An unknown number that texts STOP is remembered all the same, so nothing is ever sent to it.
    let contact = findPhoneContact(tx, phone);
    if (!contact) {
      const customerId = insertCustomer(tx, { name: null, customerNumber: null, language: detectLanguage(message.text), now });
      addContacts(tx, customerId, [{ kind: 'phone', value: phone }], now);
      contact = findPhoneContact(tx, phone)!;
    }
    const ticket = latestTicketOfCustomer(tx, contact.customerId);
    insertKeywordMessage(tx, {
      messageSid: message.providerMessageId,
      phone,
      keyword,
      body: message.text,
      customerId: contact.customerId,
      ticketId: ticket?.id ?? null,
      receivedAt: now,
    });

    if (keyword === 'stop' && !contact.optedOutAt) setPhoneOptOut(tx, contact.id, now);
    if (keyword === 'start') setPhoneOptOut(tx, contact.id, null);
    let queued = false;
    if (keyword === 'help' && !contact.optedOutAt) {
      const language = ticket?.language ?? customerLanguage(tx, contact.customerId) ?? 'en';
      queueOutbox(tx, { channel: 'sms', recipient: phone, body: smsHelpText(language), purpose: 'help', ticketId: ticket?.id ?? null, now });
      queued = true;
    }
    if (ticket) {
      appendEvent(tx, {
        ticketId: ticket.id,
        type: EVENT_OF[keyword],
        actorType: 'client',
        data: { keyword: message.text.trim(), messageSid: message.providerMessageId, channel: 'sms' },
        at: now,
      });
    }
    return { ...base, duplicate: false, ticketId: ticket?.id ?? null, queued };
  });
}
