// How the tracking page words a ticket's state and history for the client, in their language.
import type { Language, TicketStatus } from '../../db/constants';
import { translate, type MessageKey } from '../i18n/dictionary';

/** The portal shows times on the institution's clock; UTC stays in the database. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

export function statusText(lang: Language, status: TicketStatus): string {
  return translate(lang, `status.${status}` as MessageKey);
}

const EVENT_KEYS: Record<string, MessageKey> = {
  'ticket.created': 'event.ticket.created',
  'message.received': 'event.message.received',
  'ticket.reopened': 'event.ticket.reopened',
  'reply.sent': 'event.reply.sent',
};

export function eventText(lang: Language, e: { type: string; data: Record<string, unknown> }): string {
  if (e.type === 'status.changed') {
    const to = e.data.to;
    const known = typeof to === 'string' && ['new', 'open', 'pending', 'resolved', 'closed'].includes(to);
    return known ? translate(lang, 'event.status.changed', { status: statusText(lang, to as TicketStatus) }) : translate(lang, 'event.other');
  }
  const key = EVENT_KEYS[e.type];
  return translate(lang, key ?? 'event.other');
}

export function formatDateTime(lang: Language, at: Date): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: DISPLAY_TIME_ZONE,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(at);
}

export function formatDate(lang: Language, at: Date): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: DISPLAY_TIME_ZONE, dateStyle: 'long' }).format(at);
}
