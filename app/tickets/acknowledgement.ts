// The acknowledgement a client receives when a new ticket is opened, in their language.
import type { Language, TicketKind } from '../../db/constants';

export interface AckInput {
  reference: string;
  kind: TicketKind;
  language: Language;
  name: string | null;
  link: string;
}

export function emailAcknowledgement(a: AckInput): { subject: string; body: string } {
  if (a.language === 'zh') {
    const what = a.kind === 'complaint' ? '投诉' : a.kind === 'feedback' ? '意见' : '咨询';
    return {
      subject: `[${a.reference}] 我们已收到您的${what}`,
      body: [
        `${a.name ? `${a.name}，您好：` : '您好：'}`,
        '',
        `我们已收到您的${what}，编号为 ${a.reference}。`,
        `您可以通过以下专属链接查看处理进度、补充材料：`,
        a.link,
        '',
        '请妥善保管此链接，不要转发给他人。回复此邮件即可补充信息。',
      ].join('\n'),
    };
  }
  const what = a.kind === 'complaint' ? 'complaint' : a.kind === 'feedback' ? 'feedback' : 'enquiry';
  return {
    subject: `[${a.reference}] We have received your ${what}`,
    body: [
      `${a.name ? `Dear ${a.name},` : 'Hello,'}`,
      '',
      `We have received your ${what}. Your reference is ${a.reference}.`,
      'Follow its progress and add information through your private link:',
      a.link,
      '',
      'Keep this link to yourself. You can also reply to this email.',
    ].join('\n'),
  };
}

/**
 * One line, no name (a phone number says nothing of who holds it), and in English only GSM-7
 * characters, so it costs as few parts as the link allows.
 */
export function smsAcknowledgement(a: AckInput): string {
  if (a.language === 'zh') {
    const what = a.kind === 'complaint' ? '投诉' : a.kind === 'feedback' ? '意见' : '咨询';
    return `已收到您的${what}，编号${a.reference}。查看进度：${a.link}`;
  }
  return `We received your ${a.kind}, ref ${a.reference}. Track it: ${a.link}`;
}
