// Bulk ticket generation for the queue benchmark and the paging test: plain prepared
// statements in large transactions, far faster than intake() per ticket. It writes what the
// queue reads (customers with contacts, tickets, one or two messages, some flags) and lets the
// schema's triggers keep search and flag counts in sync, as they would in production.
import type { Db } from './client';
import { seededRandom } from './seed-random';

export interface BulkOptions {
  count: number;
  now: Date;
  /** Staff ids to assign to (some tickets stay unassigned). */
  staffIds: number[];
  teamIds: number[];
  batch?: number;
  seed?: number;
  onProgress?: (done: number) => void;
}

const SUBJECTS = [
  '理财产品被当作存款销售',
  '信用卡年费重复扣收',
  'Fund sold as low risk lost 20%',
  'Transfer delayed three days',
  '保险理赔迟迟未处理',
  'Charged twice for card payment',
  '贷款提前还款违约金不合理',
  'Branch staff were rude',
  '手机银行转账失败但已扣款',
  'Unsuitable investment for my age',
];
const TEXTS = [
  '客户经理说保本保息，结果亏损了。',
  'I was told the product was guaranteed but it was not.',
  '多次致电客服无人处理，要求退还费用。',
  'Please refund the duplicate charge on my statement.',
];
const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const CHANNELS = ['web', 'sms', 'email', 'phone', 'branch'] as const;
const PRODUCTS = ['deposits', 'wealth', 'funds', 'insurance', 'loans', 'cards', 'payments', 'securities', 'other'] as const;
const FLAGS = ['vulnerable', 'regulator_threat', 'media', 'fraud'] as const;


export function insertBulkTickets(db: Db, o: BulkOptions): { firstId: number; lastId: number } {
  const c = db.$client;
  const rnd = seededRandom(o.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const insCustomer = c.prepare('insert into customers (name, language, created_at, updated_at) values (?, ?, ?, ?)');
  const insContact = c.prepare("insert into customer_contacts (customer_id, kind, value, created_at) values (?, ?, ?, ?)");
  const insTicket = c.prepare(`insert into tickets (reference, kind, channel, status, priority, product, subject, customer_id,
    assignee_id, team_id, level, language, created_at, updated_at, last_message_at, resolved_at, sla_due_at, sla_state)
    values (?, 'complaint', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insMessage = c.prepare(`insert into messages (ticket_id, direction, channel, author_type, sender_address, text, created_at)
    values (?, ?, ?, ?, ?, ?, ?)`);
  const insFlag = c.prepare('insert into ticket_flags (ticket_id, flag, detail, created_at) values (?, ?, ?, ?) on conflict do nothing');
  const base = c.prepare("select coalesce(max(last), 0) as n from reference_counters where prefix = 'complaint' and year = ?").get(o.now.getUTCFullYear()) as { n: number };
  const year = o.now.getUTCFullYear();
  const batch = o.batch ?? 10_000;
  const nowMs = o.now.getTime();
  let firstId = 0;
  let lastId = 0;
  let customerId = 0;
  for (let start = 0; start < o.count; start += batch) {
    c.transaction(() => {
      for (let i = start; i < Math.min(o.count, start + batch); i++) {
        const n = base.n + i + 1;
        const created = nowMs - Math.floor(rnd() * 365 * 86_400_000);
        if (i % 2 === 0) {
          customerId = Number(insCustomer.run(`客户${n}`, rnd() < 0.7 ? 'zh' : 'en', created, created).lastInsertRowid);
          insContact.run(customerId, 'email', `client${n}@example.com`, created);
          insContact.run(customerId, 'phone', `+86138${String(n).padStart(8, '0')}`, created);
        }
        const r = rnd();
        // About a fifth of the tickets are open, as in a real book of complaints.
        const status = r < 0.08 ? 'new' : r < 0.16 ? 'open' : r < 0.2 ? 'pending' : r < 0.9 ? 'resolved' : 'closed';
        const open = status === 'new' || status === 'open' || status === 'pending';
        const assigned = rnd() < 0.6;
        const staffId = assigned && o.staffIds.length > 0 ? pick(o.staffIds) : null;
        const teamId = o.teamIds.length > 0 && rnd() < 0.8 ? pick(o.teamIds) : null;
        const due = open ? nowMs + Math.floor((rnd() - 0.2) * 10 * 86_400_000) : null;
        const slaState = !open ? null : status === 'pending' ? 'paused' : due! < nowMs ? 'breached' : due! - nowMs < 4 * 3_600_000 ? 'warning' : 'ok';
        const channel = pick(CHANNELS);
        const info = insTicket.run(
          `CMP-${year}-${String(n).padStart(6, '0')}`,
          channel,
          status,
          pick(PRIORITIES),
          pick(PRODUCTS),
          `${pick(SUBJECTS)} #${n}`,
          customerId,
          staffId,
          teamId,
          rnd() < 0.03 ? 1 + Math.floor(rnd() * 3) : 0,
          rnd() < 0.7 ? 'zh' : 'en',
          created,
          created + 3_600_000,
          created,
          open ? null : created + 86_400_000,
          due,
          slaState,
        );
        const ticketId = Number(info.lastInsertRowid);
        if (!firstId) firstId = ticketId;
        lastId = ticketId;
        insMessage.run(ticketId, 'in', channel, 'client', `client${n}@example.com`, `${pick(TEXTS)} 编号${n}`, created);
        if (rnd() < 0.5) insMessage.run(ticketId, 'out', channel, 'staff', null, `Thank you, we are looking into case ${n}.`, created + 3_600_000);
        if (rnd() < 0.02) insFlag.run(ticketId, pick(FLAGS), '保本', created);
      }
    })();
    o.onProgress?.(Math.min(o.count, start + batch));
  }
  c.prepare(
    `insert into reference_counters (prefix, year, last) values ('complaint', ?, ?)
     on conflict (prefix, year) do update set last = excluded.last`,
  ).run(year, base.n + o.count);
  return { firstId, lastId };
}
