// Half-year complaint returns, computed from the roll-ups (complaints opened) and the finished
// tickets (complaints closed), in two shapes: the FCA's complaints return (by product group)
// and China's reporting axes (channel × business type × cause, after JR/T 0169-2018).
//
// Upheld share and redress come from the case reviews of the closed complaints: the share is of
// complaints decided (upheld, partly upheld or not upheld; the FCA counts partly upheld as
// upheld, and a withdrawn complaint was not decided). A group with no reviewed complaint reports
// them as unknown (an empty cell), never as zero.
import type { Tx } from '../../db/client';
import { CAUSES, CHANNELS, PRODUCTS, type Cause, type Channel, type Product } from '../../db/constants';
import { finishedComplaintsByProduct, openedByChannelProductCause, openedByDimension } from '../../db/store/insight';
import { csvRow, BOM, type CsvValue } from './csv';
import { dayOf } from './early-warning';

export interface Half {
  label: string;
  from: Date;
  /** Exclusive. */
  to: Date;
}

export const HALF_PATTERN = /^(\d{4})H([12])$/;

/** 2026H1 is January to June 2026 (UTC), 2026H2 July to December. */
export function parseHalf(label: string): Half | undefined {
  const m = HALF_PATTERN.exec(label);
  if (!m) return undefined;
  const year = Number(m[1]);
  const first = m[2] === '1';
  return {
    label,
    from: new Date(Date.UTC(year, first ? 0 : 6, 1)),
    to: new Date(Date.UTC(first ? year : year + 1, first ? 6 : 0, 1)),
  };
}

// ---- FCA -------------------------------------------------------------------------------------

export const FCA_GROUPS = ['banking_cards', 'credit', 'insurance', 'investments', 'other'] as const;
export type FcaGroup = (typeof FCA_GROUPS)[number];

export const FCA_GROUP_LABELS: Record<FcaGroup, string> = {
  banking_cards: 'Banking and credit cards',
  credit: 'Home finance and consumer credit',
  insurance: 'Insurance and pure protection',
  investments: 'Investments',
  other: 'Other',
};

export const FCA_GROUP_OF: Record<Product, FcaGroup> = {
  deposits: 'banking_cards',
  cards: 'banking_cards',
  payments: 'banking_cards',
  loans: 'credit',
  insurance: 'insurance',
  wealth: 'investments',
  funds: 'investments',
  securities: 'investments',
  other: 'other',
};

export interface FcaRow {
  group: FcaGroup | 'total';
  label: string;
  opened: number;
  closed: number;
  /** Calendar days, until business calendars land. */
  closedWithin3Days: number;
  closedWithin8Weeks: number;
  closedAfter8Weeks: number;
  /** Upheld (in full or in part) ÷ decided, to 4 places; null when none was decided. */
  upheldShare: number | null;
  /** Redress paid (minor units) on reviewed complaints; null when none was reviewed. */
  redressMinor: number | null;
}

interface Decisions {
  reviewed: number;
  decided: number;
  upheld: number;
  redressMinor: number;
}

function withDecisions(row: FcaRow, d: Decisions): FcaRow {
  return {
    ...row,
    upheldShare: d.decided > 0 ? Math.round((d.upheld / d.decided) * 10_000) / 10_000 : null,
    redressMinor: d.reviewed > 0 ? d.redressMinor : null,
  };
}

export function fcaReturn(tx: Tx, half: Half): FcaRow[] {
  const rows = new Map<FcaGroup, FcaRow>(
    FCA_GROUPS.map((g) => [
      g,
      { group: g, label: FCA_GROUP_LABELS[g], opened: 0, closed: 0, closedWithin3Days: 0, closedWithin8Weeks: 0, closedAfter8Weeks: 0, upheldShare: null, redressMinor: null },
    ]),
  );
  const groupOf = (product: string) => FCA_GROUP_OF[product as Product] ?? 'other';
  const none = (): Decisions => ({ reviewed: 0, decided: 0, upheld: 0, redressMinor: 0 });
  const decisions = new Map<FcaGroup | 'total', Decisions>([...FCA_GROUPS, 'total' as const].map((g) => [g, none()]));
  const period = { fromDay: dayOf(half.from), toDay: dayOf(half.to), kind: 'complaint' as const };
  for (const r of openedByDimension(tx, period, 'product')) rows.get(groupOf(String(r.value)))!.opened += r.opened;
  for (const r of finishedComplaintsByProduct(tx, { from: half.from, to: half.to, limitsDays: [3, 56] })) {
    const row = rows.get(groupOf(r.product))!;
    row.closed += r.closed;
    row.closedWithin3Days += r.within[0]!;
    row.closedWithin8Weeks += r.within[1]!;
    row.closedAfter8Weeks += r.closed - r.within[1]!;
    for (const d of [decisions.get(row.group as FcaGroup)!, decisions.get('total')!]) {
      d.reviewed += r.reviewed;
      d.decided += r.decided;
      d.upheld += r.upheld;
      d.redressMinor += r.redressMinor;
    }
  }
  const list = [...rows.values()].map((row) => withDecisions(row, decisions.get(row.group)!));
  const total: FcaRow = withDecisions({
    group: 'total',
    label: 'Total',
    opened: sum(list, 'opened'),
    closed: sum(list, 'closed'),
    closedWithin3Days: sum(list, 'closedWithin3Days'),
    closedWithin8Weeks: sum(list, 'closedWithin8Weeks'),
    closedAfter8Weeks: sum(list, 'closedAfter8Weeks'),
    upheldShare: null,
    redressMinor: null,
  }, decisions.get('total')!);
  return [...list, total];
}

function sum(rows: FcaRow[], key: 'opened' | 'closed' | 'closedWithin3Days' | 'closedWithin8Weeks' | 'closedAfter8Weeks'): number {
  return rows.reduce((s, r) => s + r[key], 0);
}

export function fcaReturnCsv(half: Half, rows: FcaRow[]): string {
  return (
    BOM +
    csvRow(['period', 'product_group', 'label', 'opened', 'closed', 'closed_within_3_days', 'closed_within_8_weeks', 'closed_after_8_weeks', 'upheld_share', 'redress_paid']) +
    rows
      .map((r) =>
        csvRow([
          half.label,
          r.group,
          r.label,
          r.opened,
          r.closed,
          r.closedWithin3Days,
          r.closedWithin8Weeks,
          r.closedAfter8Weeks,
          r.upheldShare,
          r.redressMinor === null ? null : (r.redressMinor / 100).toFixed(2),
        ] satisfies CsvValue[]),
      )
      .join('')
  );
}

// ---- China (JR/T 0169-2018 axes) ------------------------------------------------------------
// The standard classifies a complaint by channel, business type and cause. Redress's products
// and causes map onto its categories as below; the labels follow the standard's wording, and
// compliance should confirm the mapping against the codes their regulator's system expects.

export const CN_CHANNEL_LABELS: Record<Channel, string> = {
  web: '网络渠道',
  sms: '短信',
  email: '电子邮件',
  phone: '电话',
  branch: '营业网点',
};

export const CN_BUSINESS_TYPE_OF: Record<Product, string> = {
  deposits: '储蓄存款及借记卡',
  cards: '信用卡',
  loans: '贷款',
  payments: '支付结算',
  wealth: '银行理财',
  funds: '代理销售业务（基金）',
  insurance: '代理销售业务（保险）',
  securities: '代理销售业务（证券期货）',
  other: '其他业务',
};

export const CN_CAUSE_OF: Record<Cause, string> = {
  mis_selling: '营销方式和手段',
  unsuitable: '营销方式和手段',
  service: '服务态度及服务质量',
  fees: '定价收费',
  fraud: '消费者资金安全',
  transaction_error: '业务规章制度及流程',
  contract_claims: '合同条款',
  privacy: '消费者信息安全',
  debt_collection: '债务催收方式和手段',
  other: '其他',
};

export interface CnRow {
  channel: Channel;
  businessType: string;
  cause: string;
  complaints: number;
}

export const CN_UNKNOWN = '未分类';

/** Complaints opened in the half, per channel × business type × cause, in a stable order. */
export function cnReturn(tx: Tx, half: Half): CnRow[] {
  const cells = new Map<string, CnRow>();
  for (const r of openedByChannelProductCause(tx, { fromDay: dayOf(half.from), toDay: dayOf(half.to), kind: 'complaint' })) {
    const businessType = CN_BUSINESS_TYPE_OF[r.product as Product] ?? CN_UNKNOWN;
    const cause = CN_CAUSE_OF[r.cause as Cause] ?? CN_UNKNOWN;
    const key = `${r.channel}\u0000${businessType}\u0000${cause}`;
    const cell = cells.get(key) ?? { channel: r.channel, businessType, cause, complaints: 0 };
    cell.complaints += r.opened;
    cells.set(key, cell);
  }
  const businessOrder = [...new Set([...PRODUCTS.map((p) => CN_BUSINESS_TYPE_OF[p]), CN_UNKNOWN])];
  const causeOrder = [...new Set([...CAUSES.map((c) => CN_CAUSE_OF[c]), CN_UNKNOWN])];
  return [...cells.values()].sort(
    (a, b) =>
      CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel) ||
      businessOrder.indexOf(a.businessType) - businessOrder.indexOf(b.businessType) ||
      causeOrder.indexOf(a.cause) - causeOrder.indexOf(b.cause),
  );
}

export function cnReturnCsv(half: Half, rows: CnRow[]): string {
  const total = rows.reduce((s, r) => s + r.complaints, 0);
  return (
    BOM +
    csvRow(['报告期', '投诉渠道', '业务类别', '投诉原因', '投诉件数']) +
    rows.map((r) => csvRow([half.label, CN_CHANNEL_LABELS[r.channel], r.businessType, r.cause, r.complaints])).join('') +
    csvRow([half.label, '合计', '', '', total])
  );
}
