// The words the SLA engine sends: the notice a client receives when the deadline of their
// complaint is extended, in Chinese and English. Staff hear of warnings and breaches through the
// escalation rules' templates (app/escalation/templates.ts), not from here.
import type { Language } from '../../db/constants';

// Building an Intl formatter costs far more than using one.
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

export function formatDate(at: Date, language: Language, zone: string): string {
  return formatterFor(language, zone).format(at);
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
