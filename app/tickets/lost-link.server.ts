// "Lost your link?": when the reference and the contact given belong together, a new tracking
// link goes to that contact through the outbox. The caller learns nothing either way (the
// page says the same words); only the owner of the contact receives the link.
import { writeTransaction } from '../../db/client';
import type { ContactKind, Language } from '../../db/constants';
import { contactsOfCustomer } from '../../db/store/customers';
import { queueOutbox } from '../../db/store/outbox';
import { appendEvent, findTicketByReference, insertTrackingToken } from '../../db/store/tickets';
import type { TicketContext } from './context';
import { hashToken, newTrackingToken, trackingUrl } from './tracking-token.server';

export interface LostLinkRequest {
  reference: string;
  contact: { kind: ContactKind; value: string };
  now: Date;
}

/** Returns whether a link was queued; callers must not let the client see the answer. */
export function resendTrackingLink(ctx: TicketContext, { reference, contact, now }: LostLinkRequest): boolean {
  return writeTransaction(ctx.db, (tx) => {
    const ticket = findTicketByReference(tx, reference.toUpperCase());
    if (!ticket) return false;
    const held = contactsOfCustomer(tx, ticket.customerId).find((c) => c.kind === contact.kind && c.value === contact.value);
    // Opted-out numbers and bounced addresses get nothing, as everywhere else.
    if (!held || held.optedOutAt || held.undeliverableAt) return false;
    const token = newTrackingToken();
    insertTrackingToken(tx, ticket.id, hashToken(token), now);
    const link = trackingUrl(ctx.publicUrl, token);
    const words = linkMessage(ticket.language, ticket.reference, link);
    queueOutbox(tx, {
      channel: contact.kind === 'email' ? 'email' : 'sms',
      recipient: held.value,
      subject: contact.kind === 'email' ? words.subject : null,
      body: contact.kind === 'email' ? words.body : words.sms,
      headers: contact.kind === 'email' ? { 'Auto-Submitted': 'auto-replied' } : undefined,
      purpose: 'tracking-link',
      ticketId: ticket.id,
      now,
    });
    appendEvent(tx, { ticketId: ticket.id, type: 'tracking.link.resent', actorType: 'client', data: { channel: contact.kind }, at: now });
    return true;
  });
}

export function linkMessage(language: Language, reference: string, link: string): { subject: string; body: string; sms: string } {
  if (language === 'zh') {
    return {
      subject: `[${reference}] 您的进度查询链接`,
      body: [`您好：`, '', `您申请重新获取案件 ${reference} 的进度查询链接：`, link, '', '请妥善保管此链接，不要转发给他人。如果不是您本人申请，请忽略本邮件。'].join('\n'),
      sms: `案件 ${reference} 的进度查询链接：${link}`,
    };
  }
  return {
    subject: `[${reference}] Your tracking link`,
    body: ['Hello,', '', `You asked for a new link to follow case ${reference}:`, link, '', 'Keep this link to yourself. If you did not ask for it, ignore this email.'].join('\n'),
    sms: `Your link for ${reference}: ${link}`,
  };
}
