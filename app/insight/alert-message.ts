// The email an early-warning alert sends to each compliance officer, in their language. It
// names what rose, by how much, and the tickets behind it.
import type { Cause, Language, Product } from '../../db/constants';
import { causeLabels, productLabels } from '../i18n/dictionary';

export interface AlertFacts {
  kind: 'spike' | 'cluster';
  dimension: 'product' | 'cause';
  value: string;
  flag: string | null;
  windowFrom: string;
  /** Last day of the window (inclusive), for people. */
  windowLast: string;
  observed: number;
  expected: number | null;
  pValue: number | null;
  customers: number | null;
  references: string[];
  reportsUrl: string;
}

/** At most this many references in the mail; the reports page lists them all. */
export const MAX_LISTED_REFERENCES = 50;

function label(language: Language, dimension: 'product' | 'cause', value: string): string {
  const labels = dimension === 'product' ? productLabels[language] : causeLabels[language];
  return (labels as Record<string, string>)[value as Product & Cause] ?? value;
}

function formatP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

export function alertEmail(language: Language, a: AlertFacts): { subject: string; body: string } {
  const what = label(language, a.dimension, a.value);
  const listed = a.references.slice(0, MAX_LISTED_REFERENCES);
  const more = a.references.length - listed.length;
  if (language === 'zh') {
    const subject =
      a.kind === 'spike'
        ? `【投诉预警】${what}：近 7 天投诉 ${a.observed} 件，为预期的 ${(a.observed / a.expected!).toFixed(1)} 倍`
        : `【投诉预警】${what}：${a.customers} 位客户投诉涉及同一风险信号「${a.flag}」`;
    const facts =
      a.kind === 'spike'
        ? [
            `${a.windowFrom} 至 ${a.windowLast}，${a.dimension === 'product' ? '产品' : '投诉原因'}「${what}」共收到投诉 ${a.observed} 件；`,
            `按此前 8 周的水平预期约 ${a.expected!.toFixed(1)} 件（上升 ${(a.observed / a.expected!).toFixed(1)} 倍，泊松检验 p ${formatP(a.pValue!)}）。`,
          ]
        : [`${a.windowFrom} 至 ${a.windowLast}，产品「${what}」有 ${a.customers} 位不同客户的投诉被标记为「${a.flag}」，共 ${a.observed} 件。`];
    return {
      subject,
      body: [
        '合规同事您好：',
        '',
        ...facts,
        '',
        '相关投诉编号：',
        ...listed,
        ...(more > 0 ? [`……另有 ${more} 件，请在报表页查看。`] : []),
        '',
        `报表页：${a.reportsUrl}`,
        '本邮件由 Redress 投诉预警自动发送，同一预警每周只发送一次。',
      ].join('\n'),
    };
  }
  const subject =
    a.kind === 'spike'
      ? `[Early warning] ${what}: ${a.observed} complaints in 7 days, ${(a.observed / a.expected!).toFixed(1)}× the expected`
      : `[Early warning] ${what}: ${a.customers} customers with the same risk signal "${a.flag}"`;
  const facts =
    a.kind === 'spike'
      ? [
          `From ${a.windowFrom} to ${a.windowLast}, the ${a.dimension} "${what}" drew ${a.observed} complaints;`,
          `the 8 weeks before predict about ${a.expected!.toFixed(1)} (${(a.observed / a.expected!).toFixed(1)}× as many, Poisson test p ${formatP(a.pValue!)}).`,
        ]
      : [
          `From ${a.windowFrom} to ${a.windowLast}, ${a.customers} different customers complained about "${what}" with the risk signal "${a.flag}" (${a.observed} complaints).`,
        ];
  return {
    subject,
    body: [
      'Hello,',
      '',
      ...facts,
      '',
      'Complaints:',
      ...listed,
      ...(more > 0 ? [`… and ${more} more on the reports page.`] : []),
      '',
      `Reports: ${a.reportsUrl}`,
      'Sent by the Redress early warning; each alert is sent once per week.',
    ].join('\n'),
  };
}
