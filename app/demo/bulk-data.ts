// Generates realistic tickets for the bulk seed: distinct customers, creation times spread over
// the last year (oldest first, so references follow time), statuses that depend on age,
// products, causes, priorities and levels in plausible proportions. Deterministic for a seed.
import type { Channel, Priority, TicketStatus } from '../../db/constants';
import type { BulkTicket } from '../../db/store/bulk-tickets';
import { subjectFromText } from '../tickets/subject';
import { seededRandom } from '../../db/seed-random';
import { emailLocal, NAMES, SCENARIOS } from './scenarios';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

function weighted<T>(rnd: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [v, w] of table) if ((r -= w) < 0) return v;
  return table[table.length - 1]![0];
}

const CHANNEL_WEIGHTS = [['web', 40], ['email', 25], ['sms', 15], ['phone', 15], ['branch', 5]] as const satisfies readonly (readonly [Channel, number])[];
const PRIORITY_WEIGHTS = [['low', 10], ['normal', 65], ['high', 20], ['urgent', 5]] as const satisfies readonly (readonly [Priority, number])[];

/** Open work is recent; a year-old ticket is almost always finished. */
function statusFor(rnd: () => number, ageDays: number): TicketStatus {
  if (ageDays < 3) return weighted(rnd, [['new', 60], ['open', 30], ['pending', 10]]);
  if (ageDays < 30) return weighted(rnd, [['new', 5], ['open', 40], ['pending', 20], ['resolved', 30], ['closed', 5]]);
  if (ageDays < 90) return weighted(rnd, [['open', 8], ['pending', 7], ['resolved', 45], ['closed', 40]]);
  return weighted(rnd, [['open', 1], ['pending', 1], ['resolved', 18], ['closed', 80]]);
}

// Computed once: the generator runs a million times.
const SUBJECTS = new Map(SCENARIOS.map((s) => [s, subjectFromText(s.text)]));
const LOCALS = new Map([...NAMES.zh, ...NAMES.en].map((n) => [n, emailLocal(n, 0).slice(0, -1)]));

export interface BulkPlan {
  count: number;
  now: Date;
  /** Makes emails and phone numbers unique to this run, so a second seed adds new customers. */
  runTag: string;
  phoneBase: number;
  staffIds: number[];
  seed?: number;
}

/** Creation times for the whole run, sorted oldest first. */
export function creationTimes(plan: BulkPlan): Float64Array {
  const rnd = seededRandom(plan.seed ?? 1);
  const times = new Float64Array(plan.count);
  for (let i = 0; i < plan.count; i++) times[i] = Math.floor(plan.now.getTime() - rnd() * YEAR);
  return times.sort();
}

export function bulkTicket(plan: BulkPlan, i: number, createdAt: number, rnd: () => number): BulkTicket {
  const s = pick(rnd, SCENARIOS);
  const channel = weighted(rnd, CHANNEL_WEIGHTS);
  const ageDays = (plan.now.getTime() - createdAt) / DAY;
  const status = statusFor(rnd, ageDays);
  const settledAt = status === 'new' ? createdAt : Math.min(plan.now.getTime(), createdAt + Math.floor((1 + rnd() * 20) * DAY));
  const name = pick(rnd, NAMES[s.language]);
  const email = channel === 'sms' ? null : `${LOCALS.get(name)}${i}.${plan.runTag}@example.${s.language === 'zh' ? 'cn' : 'com'}`;
  const phone = channel === 'email' && rnd() < 0.7 ? null : `+86139${String(plan.phoneBase + i).padStart(8, '0').slice(-8)}`;
  const priority = s.flag === 'fraud_risk' ? 'urgent' : weighted(rnd, PRIORITY_WEIGHTS);
  const open = status === 'open' || status === 'pending';
  return {
    kind: s.kind,
    feedbackType: s.feedbackType ?? null,
    channel,
    status,
    priority,
    product: s.product,
    cause: s.cause,
    subject: channel === 'sms' ? SUBJECTS.get(s)! : s.subject,
    text: s.text,
    language: s.language,
    level: open && rnd() < 0.08 ? weighted(rnd, [[1, 70], [2, 25], [3, 5]]) : 0,
    assigneeId: status !== 'new' && plan.staffIds.length > 0 && rnd() < 0.85 ? pick(rnd, plan.staffIds) : null,
    amountMinor: s.amount !== undefined ? Math.round(s.amount * (0.5 + rnd()) * 100) : null,
    createdAt,
    settledAt,
    customer: { name, email, phone },
    flag: s.flag ? { flag: s.flag, detail: 'seed' } : null,
  };
}
