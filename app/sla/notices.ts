// The words the SLA engine sends: a warning or breach notice to staff, and the notice a client
// receives when the deadline of their complaint is extended. Chinese and English.
import type { Language } from '../../db/constants';
import type { SlaTarget } from '../../db/sla-constants';
import { localDateTime } from './calendar';

const TARGET_NAMES: Record<Language, Record<SlaTarget, string>> = {
  en: { acknowledge: 'acknowledgement', first_response: 'first response', resolution: 'resolution' },
  zh: { acknowledge: '受理确认', first_response: '首次回复', resolution: '处理决定' },
};

// Building an Intl formatter costs far more than using one; a sweep formats thousands of dates.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(language: Language, zone: string): Intl.DateTimeFormat {
  const key = `${language}|${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: zone, dateStyle: 'long' });
    formatters.set(key, f);
  }
  return f;
}

/** Staff read due times as local "2026-03-17 09:00 (Asia/Shanghai)": unambiguous, and cheap to write in bulk. */
function formatInstant(at: Date, zone: string): string {
  return `${localDateTime(zone, at.getTime())} (${zone})`;
}

export function formatDate(at: Date, language: Language, zone: string): string {
  return formatterFor(language, zone).format(at);
}

export interface StaffNoticeInput {
  kind: 'warning' | 'breach';
  reference: string;
  subject: string;
  target: SlaTarget;
  offset?: string;
  dueAt: Date;
  policy: string;
  link: string;
  language: Language;
  zone: string;
}

export function staffNotice(n: StaffNoticeInput): { subject: string; body: string } {
  const target = TARGET_NAMES[n.language][n.target];
  const due = formatInstant(n.dueAt, n.zone);
  if (n.language === 'zh') {
    return n.kind === 'warning'
      ? {
          subject: `[${n.reference}] 时限预警：${target}将于 ${due} 到期`,
          body: `工单 ${n.reference}（${n.subject}）的${target}时限（${n.policy}）已到预警点 ${n.offset}，将于 ${due} 到期。\n${n.link}`,
        }
      : {
          subject: `[${n.reference}] 已超时：${target}`,
          body: `工单 ${n.reference}（${n.subject}）的${target}时限（${n.policy}）已于 ${due} 超时。\n${n.link}`,
        };
  }
  return n.kind === 'warning'
    ? {
        subject: `[${n.reference}] SLA warning: ${target} due ${due}`,
        body: `The ${target} deadline of ${n.reference} (${n.subject}) under ${n.policy} reached its ${n.offset} warning; it is due ${due}.\n${n.link}`,
      }
    : {
        subject: `[${n.reference}] SLA breached: ${target}`,
        body: `The ${target} deadline of ${n.reference} (${n.subject}) under ${n.policy} passed at ${due}.\n${n.link}`,
      };
}

export interface ExtensionNoticeInput {
  reference: string;
  name: string | null;
  reason: string;
  newDueAt: Date;
  language: Language;
  zone: string;
}

/** What the client is told when their complaint's deadline is extended: the reason and the new date. */
export function extensionNotice(n: ExtensionNoticeInput): { subject: string; body: string; sms: string } {
  const date = formatDate(n.newDueAt, n.language, n.zone);
  if (n.language === 'zh') {
    return {
      subject: `[${n.reference}] 关于您投诉处理期限延长的告知`,
      body: [
        n.name ? `${n.name}，您好：` : '您好：',
        '',
        `您的投诉（编号 ${n.reference}）情况较为复杂，我们需要延长处理期限。`,
        `延长原因：${n.reason}`,
        `我们将在 ${date} 前向您作出处理决定。`,
        '',
        '如有疑问，回复此邮件即可。',
      ].join('\n'),
      sms: `您的投诉 ${n.reference} 处理期限延长至 ${date}。原因：${n.reason}`,
    };
  }
  return {
    subject: `[${n.reference}] We need more time to decide on your complaint`,
    body: [
      n.name ? `Dear ${n.name},` : 'Hello,',
      '',
      `We need more time to look into your complaint (reference ${n.reference}).`,
      `Why: ${n.reason}`,
      `You will have our decision by ${date}.`,
      '',
      'If you have any questions, reply to this email.',
    ].join('\n'),
    sms: `Your complaint ${n.reference}: we need more time (${n.reason}). Decision by ${date}.`,
  };
}
