// The decision letter a client receives when their ticket is resolved: the outcome, the
// staff member's explanation, the referral rights of the regime, and the request to rate us.
import type { Language } from '../../db/constants';

export const OUTCOMES = ['upheld', 'partly_upheld', 'not_upheld', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ROOT_CAUSES = [
  'misleading_information',
  'unsuitable_product',
  'process_defect',
  'staff_competence',
  'system_failure',
  'product_design',
  'third_party',
  'other',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export const REGIMES = ['CN-NFRA', 'UK-FCA', 'US-CFPB'] as const;
export type Regime = (typeof REGIMES)[number];

const OUTCOME_TEXT: Record<Language, Record<Outcome, string>> = {
  en: {
    upheld: 'We have upheld your complaint.',
    partly_upheld: 'We have partly upheld your complaint.',
    not_upheld: 'We have not upheld your complaint.',
    withdrawn: 'We have closed your complaint as withdrawn, as you asked.',
  },
  zh: {
    upheld: '经核查，您的投诉成立。',
    partly_upheld: '经核查，您的投诉部分成立。',
    not_upheld: '经核查，您的投诉不成立。',
    withdrawn: '根据您的意愿，本次投诉已撤回并结案。',
  },
};

export function referralRights(regime: Regime, lang: Language): string {
  if (lang === 'zh') {
    switch (regime) {
      case 'CN-NFRA':
        return '如您对处理结果不满意，可拨打国家金融监督管理总局消费者投诉热线 12378，或向当地金融纠纷调解组织申请调解。';
      case 'UK-FCA':
        return '如您对处理结果不满意，可在本函发出之日起六个月内将投诉提交英国金融申诉专员服务机构（Financial Ombudsman Service，www.financial-ombudsman.org.uk，0800 023 4567），该服务免费。';
      case 'US-CFPB':
        return '如您对处理结果不满意，可向美国消费者金融保护局（CFPB）提交投诉：www.consumerfinance.gov/complaint，电话 (855) 411-2372。';
    }
  }
  switch (regime) {
    case 'CN-NFRA':
      return 'If you are not satisfied with this decision, you may call the National Financial Regulatory Administration consumer hotline 12378, or ask a local financial dispute mediation body to mediate.';
    case 'UK-FCA':
      return 'If you are not satisfied, you may refer your complaint to the Financial Ombudsman Service within six months of this letter, free of charge: www.financial-ombudsman.org.uk, 0800 023 4567.';
    case 'US-CFPB':
      return 'If you are not satisfied, you may submit a complaint to the Consumer Financial Protection Bureau: www.consumerfinance.gov/complaint, (855) 411-2372.';
  }
}

export interface DecisionInput {
  reference: string;
  language: Language;
  name: string | null;
  outcome: Outcome;
  explanation: string;
  redress: string | null;
  regime: Regime;
  rateLink: string;
}

export function decisionText(d: DecisionInput): string {
  if (d.language === 'zh') {
    return [
      d.name ? `${d.name}，您好：` : '您好：',
      '',
      `关于您的投诉（编号 ${d.reference}），${OUTCOME_TEXT.zh[d.outcome]}`,
      d.explanation.trim(),
      d.redress ? `我们将向您支付补偿：${d.redress}。` : null,
      '',
      referralRights(d.regime, 'zh'),
      '',
      `请为本次服务打分（1–5 分）并留下意见：${d.rateLink}`,
    ]
      .filter((l) => l !== null)
      .join('\n');
  }
  return [
    d.name ? `Dear ${d.name},` : 'Hello,',
    '',
    `About your complaint ${d.reference}: ${OUTCOME_TEXT.en[d.outcome]}`,
    d.explanation.trim(),
    d.redress ? `We will pay you redress of ${d.redress}.` : null,
    '',
    referralRights(d.regime, 'en'),
    '',
    `Please rate how we handled it (1 to 5) and tell us why: ${d.rateLink}`,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/** "1234.50" → 123450 minor units; null when blank; undefined when not a sum of money. */
export function parseMoneyMinor(text: string): number | null | undefined {
  const t = text.trim().replace(/,/g, '');
  if (t === '') return null;
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(t)) return undefined;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

export function formatMinor(minor: number, currency: string): string {
  return `${currency} ${(minor / 100).toFixed(2)}`;
}
