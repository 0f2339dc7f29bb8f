// Realistic complaint and feedback texts, in Chinese and English, for the demo and the bulk
// seed. Each names its product and cause codes so the data is consistent with the text.
import type { Cause, Language, Product, TicketKind } from '../../db/constants';

export interface Scenario {
  language: Language;
  kind: TicketKind;
  feedbackType?: 'suggestion' | 'compliment';
  product: Product | null;
  cause: Cause | null;
  subject: string;
  text: string;
  outcomeWanted?: string;
  amount?: number;
  flag?: string;
}

export const SCENARIOS: Scenario[] = [
  {
    language: 'zh', kind: 'complaint', product: 'wealth', cause: 'mis_selling', flag: 'mis_selling_risk',
    subject: '理财产品被当作存款推荐',
    text: '去年在网点存钱时，客户经理说这是“保本保息的存款”，让我签了字。现在到期发现亏损了8%，才知道是非保本理财。当时没有人给我做风险评估，也没有录音录像。',
    outcomeWanted: '退还本金损失，并调查销售人员。', amount: 12000,
  },
  {
    language: 'zh', kind: 'complaint', product: 'cards', cause: 'fees',
    subject: '信用卡年费未经同意扣收',
    text: '办卡时承诺首年免年费、刷卡满六次免次年年费，我每月都有消费，但本月账单仍被扣收年费680元，客服电话一直打不通。',
    outcomeWanted: '退还年费。', amount: 680,
  },
  {
    language: 'zh', kind: 'complaint', product: 'payments', cause: 'fraud', flag: 'fraud_risk',
    subject: '手机银行被盗刷，多笔转账不是本人操作',
    text: '凌晨两点收到短信，账户被转出三笔共计4.5万元，我本人当时在睡觉，手机也在身边，没有收到任何验证码。已经报警，请尽快冻结并追回资金。',
    outcomeWanted: '追回被盗资金，说明风控为何没有拦截。', amount: 45000,
  },
  {
    language: 'zh', kind: 'complaint', product: 'insurance', cause: 'contract_claims',
    subject: '重疾险理赔被拒，理由不合理',
    text: '我父亲确诊后申请重疾理赔，保险公司以“投保前未如实告知”为由拒赔，但投保时业务员说体检正常不用填写，现在却说我们隐瞒。',
    outcomeWanted: '重新审核理赔申请，按合同赔付。', amount: 300000,
  },
  {
    language: 'zh', kind: 'complaint', product: 'loans', cause: 'debt_collection', flag: 'vulnerable_client',
    subject: '催收人员多次骚扰家人和同事',
    text: '贷款只逾期了十天，催收人员就每天打十几个电话给我的父母和单位同事，还说要上门。我已经在筹钱还款，这种做法严重影响了我的生活和工作。',
    outcomeWanted: '停止骚扰第三方，协商还款计划。',
  },
  {
    language: 'zh', kind: 'complaint', product: 'deposits', cause: 'service',
    subject: '网点排队两小时，工作人员态度恶劣',
    text: '周六上午去网点办理挂失补卡，只开了一个窗口，排了两个小时。轮到我时，工作人员不耐烦，说话很冲，还让我下次在手机上办。',
    outcomeWanted: '改进服务，给我一个说法。',
  },
  {
    language: 'zh', kind: 'complaint', product: 'funds', cause: 'unsuitable',
    subject: '七十岁老人被推荐高风险基金',
    text: '我母亲今年七十岁，风险承受能力评估是保守型，却被理财经理推荐买了股票型基金二十万元，现在亏了三万多。评估问卷是经理代填的。',
    outcomeWanted: '认定销售不适当，赔偿损失。', amount: 200000, flag: 'vulnerable_client',
  },
  {
    language: 'zh', kind: 'complaint', product: 'securities', cause: 'transaction_error',
    subject: '委托卖出未成交，系统显示已撤单',
    text: '上周三开盘我挂单卖出，系统显示委托成功，但收盘后查询显示“已撤单”，我没有撤单操作。当天股价下跌，造成损失。',
    outcomeWanted: '查明原因，赔偿差价损失。', amount: 8600,
  },
  {
    language: 'zh', kind: 'complaint', product: 'deposits', cause: 'privacy',
    subject: '个人信息被泄露，频繁接到推销电话',
    text: '在贵行开户后不久，就不断接到贷款和保险推销电话，对方能准确说出我的姓名、开户网点和账户余额范围，怀疑信息被泄露。',
    outcomeWanted: '调查信息泄露渠道，给出书面答复。',
  },
  {
    language: 'zh', kind: 'feedback', feedbackType: 'suggestion', product: 'payments', cause: null,
    subject: '建议手机银行增加大字版',
    text: '家里老人使用手机银行时字太小看不清，建议增加大字版或适老化模式，转账确认页面也希望更醒目。',
  },
  {
    language: 'zh', kind: 'feedback', feedbackType: 'compliment', product: 'deposits', cause: null,
    subject: '表扬网点王经理耐心服务',
    text: '上周在城南支行办理业务，王经理非常耐心地帮我父亲解释每一份材料，还主动提醒防范电信诈骗，特此表扬。',
  },
  {
    language: 'zh', kind: 'enquiry', product: 'loans', cause: null,
    subject: '提前还款是否收取违约金',
    text: '我的住房贷款还有十五年，想提前还一部分本金，请问是否收取违约金，需要提前多久预约？',
  },
  {
    language: 'en', kind: 'complaint', product: 'wealth', cause: 'mis_selling', flag: 'mis_selling_risk',
    subject: 'Structured note sold to me as low risk',
    text: 'My adviser described the structured note as "as safe as a deposit". Nobody explained that the capital was at risk if the index fell. I have now lost 15% and I only learned about the barrier from the term sheet.',
    outcomeWanted: 'A refund of my capital loss and a review of how this was sold.', amount: 25000,
  },
  {
    language: 'en', kind: 'complaint', product: 'cards', cause: 'transaction_error',
    subject: 'Charged twice for the same hotel booking',
    text: 'I paid for a hotel in Lisbon once, but my card statement shows the amount twice. The hotel confirms only one payment reached them. I raised this in the app three weeks ago and have heard nothing.',
    outcomeWanted: 'Refund the duplicate charge.', amount: 412.5,
  },
  {
    language: 'en', kind: 'complaint', product: 'payments', cause: 'fraud', flag: 'fraud_risk',
    subject: 'Scam payment not stopped',
    text: 'I was tricked by someone pretending to be from your fraud team into moving my savings to a "safe account". The payment was far larger than anything I normally send and no one called to check. I reported it within an hour.',
    outcomeWanted: 'Reimbursement under the APP fraud rules.', amount: 9800,
  },
  {
    language: 'en', kind: 'complaint', product: 'insurance', cause: 'contract_claims',
    subject: 'Home insurance claim delayed for four months',
    text: 'After the flood in March my claim was accepted in principle but the loss adjuster has not been back in four months. I am living with damp walls and my emails go unanswered.',
    outcomeWanted: 'Settle the claim and compensate for the delay.', amount: 14000,
  },
  {
    language: 'en', kind: 'complaint', product: 'loans', cause: 'fees',
    subject: 'Early repayment charge never disclosed',
    text: 'I repaid my car loan early and was charged a fee of two months interest. This was never mentioned when I took out the loan and it is not in the summary I was given.',
    outcomeWanted: 'Refund the early repayment charge.', amount: 560,
  },
  {
    language: 'en', kind: 'complaint', product: 'funds', cause: 'service',
    subject: 'Transfer of my ISA has taken ten weeks',
    text: 'I asked to transfer my fund ISA to another provider in January. Ten weeks later it is still not done, I have been out of the market and each call gives me a different answer.',
    outcomeWanted: 'Complete the transfer and cover any loss from being out of the market.',
  },
  {
    language: 'en', kind: 'complaint', product: 'deposits', cause: 'privacy',
    subject: 'My statement was sent to my old address',
    text: 'I updated my address in the branch in June, but my statements are still going to my former flat where someone else now lives. That person now has my account details.',
    outcomeWanted: 'Fix my address and tell me what data was exposed.',
  },
  {
    language: 'en', kind: 'complaint', product: 'securities', cause: 'unsuitable',
    subject: 'Leveraged product recommended for my pension money',
    text: 'I told the adviser this money was for my retirement in three years and that I cannot afford losses, yet he recommended a leveraged ETF. The suitability report does not mention my time horizon at all.',
    outcomeWanted: 'Put me back in the position I would have been in.', amount: 40000, flag: 'vulnerable_client',
  },
  {
    language: 'en', kind: 'complaint', product: 'loans', cause: 'debt_collection',
    subject: 'Collection letters after I agreed a payment plan',
    text: 'I agreed a payment plan in writing last month and have kept to it, but I still receive threatening letters every week saying you will take legal action.',
    outcomeWanted: 'Stop the letters and confirm the plan in writing.',
  },
  {
    language: 'en', kind: 'feedback', feedbackType: 'suggestion', product: 'payments', cause: null,
    subject: 'Let me freeze my card from the app',
    text: 'It would help to be able to freeze and unfreeze my card in the app rather than having to call. I misplace it often and calling takes a long time.',
  },
  {
    language: 'en', kind: 'feedback', feedbackType: 'compliment', product: 'insurance', cause: null,
    subject: 'Thank you to the claims team',
    text: 'Sarah in the claims team handled my car accident claim quickly and kindly, and kept me informed at every step. Thank you.',
  },
  {
    language: 'en', kind: 'enquiry', product: 'deposits', cause: null,
    subject: 'Interest rate on my fixed deposit after maturity',
    text: 'My one-year fixed deposit matures next week. What rate will apply if I do nothing, and can I move it to the new two-year product online?',
  },
];

export const NAMES: Record<Language, string[]> = {
  zh: ['李伟', '王芳', '张敏', '刘洋', '陈静', '杨磊', '赵丽', '黄强', '周婷', '吴军', '徐娜', '孙浩', '马超', '朱琳', '胡斌', '郭敏'],
  en: ['Emma Clarke', 'James Patel', 'Olivia Hughes', 'Daniel Okafor', 'Sophie Martin', 'Liam O’Brien', 'Grace Chen', 'Noah Williams', 'Ava Thompson', 'Ethan Brown', 'Mia Davies', 'Lucas Wright'],
};

/** A plausible lower-case email local part for a name (pinyin is not attempted for Chinese names). */
export function emailLocal(name: string, n: number): string {
  const ascii = name.normalize('NFKD').replace(/[^A-Za-z ]/g, '').trim().toLowerCase().replace(/\s+/g, '.');
  return `${ascii || 'client'}${n}`;
}
