// Every word the portal shows, in Simplified Chinese and English. `zh` must have every key
// of `en` (the type says so), so no label exists in one language only.
import type { Cause, Product } from '../../db/constants';

const en = {
  'app.name': 'Redress',
  'app.tagline': 'Complaints and feedback',
  'lang.switch': '中文',
  'lang.label': 'Language',
  'home.title': 'How can we help?',
  'home.intro': 'Tell us what went wrong, or what we could do better. Every message gets a reference and a private link to follow it.',
  'home.complain': 'Make a complaint',
  'home.complain.hint': 'Something went wrong with a product, a service or a charge.',
  'home.feedback': 'Give feedback',
  'home.feedback.hint': 'A suggestion, or a compliment for someone who helped you.',
  'home.track': 'Lost your tracking link?',
  'error.title': 'Something went wrong',
  'error.notFound': 'We could not find that page.',
  'error.generic': 'Please try again in a moment.',
  'error.back': 'Back to the start',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'app.name': 'Redress 投诉与建议',
  'app.tagline': '投诉与意见反馈',
  'lang.switch': 'English',
  'lang.label': '语言',
  'home.title': '我们能为您做些什么？',
  'home.intro': '告诉我们哪里出了问题，或者我们可以做得更好的地方。每条来信都有受理编号和专属的进度查询链接。',
  'home.complain': '我要投诉',
  'home.complain.hint': '产品、服务或收费方面出现了问题。',
  'home.feedback': '意见建议',
  'home.feedback.hint': '提出建议，或表扬帮助过您的工作人员。',
  'home.track': '找不到进度查询链接？',
  'error.title': '出错了',
  'error.notFound': '找不到该页面。',
  'error.generic': '请稍后再试。',
  'error.back': '返回首页',
};

export const dictionary = { en: en as Record<MessageKey, string>, zh };

export const productLabels: Record<'en' | 'zh', Record<Product, string>> = {
  en: {
    deposits: 'Deposits & accounts',
    wealth: 'Wealth management',
    funds: 'Funds',
    insurance: 'Insurance',
    loans: 'Loans',
    cards: 'Credit cards',
    payments: 'Payments',
    securities: 'Securities & futures',
    other: 'Other',
  },
  zh: {
    deposits: '存款与账户',
    wealth: '理财产品',
    funds: '基金',
    insurance: '保险',
    loans: '贷款',
    cards: '信用卡',
    payments: '支付结算',
    securities: '证券期货',
    other: '其他',
  },
};

export const causeLabels: Record<'en' | 'zh', Record<Cause, string>> = {
  en: {
    mis_selling: 'Misleading sales or disclosure',
    unsuitable: 'Unsuitable product',
    service: 'Service attitude or quality',
    fees: 'Fees, charges or interest',
    fraud: 'Fraud or fund security',
    transaction_error: 'Transaction or account error',
    contract_claims: 'Contract terms, claims or surrender',
    privacy: 'Privacy or personal data',
    debt_collection: 'Debt collection',
    other: 'Other',
  },
  zh: {
    mis_selling: '销售误导或信息披露不充分',
    unsuitable: '产品不适合本人',
    service: '服务态度或服务质量',
    fees: '收费、费用或利息',
    fraud: '诈骗或资金安全',
    transaction_error: '交易或账户差错',
    contract_claims: '合同条款、理赔或退保',
    privacy: '隐私或个人信息',
    debt_collection: '催收',
    other: '其他',
  },
};

export function translate(lang: 'en' | 'zh', key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionary[lang][key];
  return vars ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : text;
}
