// Insight benchmark: a synthetic year of tickets (default 20,000; --tickets 1000000 for the
// recorded run), then the time of each report query over the roll-ups, the early-warning scan,
// the half-year returns, and a full streaming export run in its own process so that its peak
// memory is its own.
//
//   npm run bench:insight -- --tickets 1000000
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fcaReturn, cnReturn, parseHalf } from '../app/insight/returns.server';
import { backlogByAge, volumeBy, volumeByDay, volumeByWeek } from '../app/insight/reports.server';
import { loadReportPage } from '../app/insight/report-page.server';
import { outcomesReport, riskReport, satisfactionReport, slaReport, staffQuality } from '../app/insight/reports.server';
import { backfillRollups } from '../app/insight/rollup.server';
import { ensureSlaPresets } from '../app/sla/seed.server';
import { searchLessons } from '../db/store/insight';
import { scanEarlyWarning } from '../app/insight/scan.server';
import { exportTickets } from '../app/insight/ticket-export.server';
import { openDb } from '../db/client';
import { CAUSES, CHANNELS, PRODUCTS, type Channel, type Product } from '../db/constants';
import { seededRandom } from '../tests/support/random';

const { values } = parseArgs({
  options: { tickets: { type: 'string', default: '20000' }, db: { type: 'string' }, 'export-only': { type: 'boolean', default: false } },
});

const DAY_MS = 86_400_000;
const YEAR_START = Date.parse('2025-12-01T00:00:00Z');
const NOW = new Date('2026-12-01T00:00:00Z');

if (values['export-only']) {
  // Child mode: open the database, stream the whole year to a file, report time and memory.
  const db = openDb({ url: `file:${values.db!}`, sync: 'normal', migrate: false });
  const out = createWriteStream(`${values.db}.export.csv`);
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const { rows } = await exportTickets(db, { from: new Date(YEAR_START), to: NOW, out, now: NOW });
  out.end();
  await once(out, 'finish');
  clearInterval(sampler);
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({
      rows,
      seconds: +(ms / 1000).toFixed(1),
      rowsPerSecond: Math.round(rows / (ms / 1000)),
      fileMiB: +(statSync(`${values.db}.export.csv`).size / 2 ** 20).toFixed(1),
      peakHeapMiB: +(peakHeap / 2 ** 20).toFixed(1),
      maxRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    }) + '\n',
  );
  process.exit(0);
}

const n = Number(values.tickets);
const dir = mkdtempSync(join(tmpdir(), 'redress-bench-insight-'));
const path = join(dir, 'bench.sqlite');
const db = openDb({ url: `file:${path}`, sync: 'normal' });
const c = db.$client;
const random = seededRandom(1);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

function time<T>(label: string, fn: () => T, runs = 5): T {
  let result!: T;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${ms[Math.floor(runs / 2)]!.toFixed(1).padStart(8)} ms   max ${ms.at(-1)!.toFixed(1).padStart(8)} ms`);
  return result;
}

console.log(`Generating ${n} tickets in ${path} …`);
let t0 = performance.now();
// Five teams of eight agents; the CN policy (business-hours first response, 15 calendar days to
// resolve) for the timers; reviews, ratings, flags and escalations at plausible rates.
ensureSlaPresets(db, new Date(YEAR_START));
const cnPolicy = Number(c.prepare("select id from sla_policies where key = 'cn-nfra'").pluck().get());
const teamIds = [1, 2, 3, 4, 5].map((i) => Number(c.prepare('insert into teams (name, created_at) values (?, ?)').run(`Team ${i}`, YEAR_START).lastInsertRowid));
const agentsOf = new Map(
  teamIds.map((teamId) => [
    teamId,
    Array.from({ length: 8 }, (_, i) =>
      Number(
        c
          .prepare(`insert into staff_users (email, name, role, team_id, language, password_hash, created_at) values (?, ?, 'agent', ?, 'zh', 'x', ?)`)
          .run(`agent-${teamId}-${i}@bench.example`, `坐席 ${teamId}-${i}`, teamId, YEAR_START).lastInsertRowid,
      ),
    ),
  ]),
);
const insertTimer = c.prepare(`insert into sla_timers (ticket_id, target, policy_id, policy_version, clock, calendar_name, started_at, budget_ms,
  due_at, state, met_at, breached_at, updated_at) values (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insertReview = c.prepare(`insert into case_reviews (ticket_id, outcome, redress_minor, currency, root_cause, lesson, created_at)
  values (?, ?, ?, 'CNY', ?, ?, ?)`);
const insertRatingRow = c.prepare('insert into ratings (ticket_id, score, comment, created_at) values (?, ?, ?, ?)');
const insertFlag = c.prepare('insert into ticket_flags (ticket_id, flag, detail, created_at) values (?, ?, null, ?)');
const setAssignment = c.prepare('update tickets set team_id = ?, assignee_id = ?, level = ? where id = ?');
const OUTCOMES = ['upheld', 'partly_upheld', 'not_upheld', 'withdrawn'] as const;
const ROOT_CAUSES = ['misleading_information', 'unsuitable_product', 'process_defect', 'staff_competence', 'system_failure', 'other'] as const;
const FLAGS = ['mis-selling', 'vulnerable', 'suitability-mismatch', 'repeat'] as const;
const LESSONS = ['销售时未充分揭示产品风险，需加强双录抽检', 'Fee disclosure was unclear on the statement', '客户风险评估已过期仍购买高风险产品', 'Reply templates for card disputes were out of date'];
const HOUR = 3_600_000;
const insertCustomer = c.prepare('insert into customers (name, language, created_at, updated_at) values (?, ?, ?, ?)');
const insertTicket = c.prepare(`insert into tickets (reference, kind, channel, status, priority, product, cause, subject, customer_id, level,
  language, created_at, updated_at, last_message_at, resolved_at, closed_at) values (?, ?, ?, ?, 'normal', ?, ?, ?, ?, 0, 'zh', ?, ?, ?, ?, ?)`);
const insertMessage = c.prepare(`insert into messages (ticket_id, direction, channel, author_type, text, created_at) values (?, 'in', ?, 'client', ?, ?)`);
const insertAck = c.prepare(`insert into outbox (channel, recipient, body, purpose, ticket_id, status, next_attempt_at, created_at, sent_at)
  values ('email', 'x@example.com', 'ack', 'ack', ?, 'sent', ?, ?, ?)`);
const batch = c.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const created = YEAR_START + Math.floor((i / n) * 365 * DAY_MS);
    const customerId = i % 3 === 0 || i < 3 ? Number(insertCustomer.run('客户', 'zh', created, created).lastInsertRowid) : 1 + Math.floor(random() * (i / 3));
    const kind = random() < 0.8 ? 'complaint' : random() < 0.5 ? 'feedback' : 'enquiry';
    const channel = pick(CHANNELS);
    const age = NOW.getTime() - created;
    const done = age > 30 * DAY_MS ? random() < 0.97 : random() < 0.5;
    const resolvedAt = done ? Math.min(created + Math.floor(random() * 40 * DAY_MS), NOW.getTime() - 1) : null;
    const id = Number(
      insertTicket.run(
        `CMP-B-${String(i).padStart(8, '0')}`,
        kind,
        channel,
        done ? 'resolved' : 'open',
        random() < 0.9 ? pick(PRODUCTS) : null,
        random() < 0.9 ? pick(CAUSES) : null,
        '我买的"稳健"理财，结果亏了 12,000 元',
        customerId,
        created,
        created,
        created,
        resolvedAt,
        null,
      ).lastInsertRowid,
    );
    insertMessage.run(id, channel, '详情', created);
    const teamId = random() < 0.9 ? pick(teamIds) : null;
    const agentId = teamId !== null && random() < 0.9 ? pick(agentsOf.get(teamId)!) : null;
    const level = random() < 0.05 ? (random() < 0.7 ? 1 : 2) : 0;
    if (teamId !== null || level > 0) setAssignment.run(teamId, agentId, level, id);
    // First response on business hours: usually within the day, one in ten late.
    const firstLate = random() < 0.1;
    const firstTook = Math.floor((firstLate ? 10 + random() * 30 : random() * 8) * HOUR);
    insertTimer.run(id, 'first_response', cnPolicy, 'business', 'CN', created, 8.5 * HOUR, created + 30 * HOUR, firstLate ? 'breached' : 'met',
      created + firstTook * 2, firstLate ? created + 30 * HOUR : null, created + firstTook * 2);
    if (resolvedAt !== null) {
      const late = resolvedAt - created > 15 * DAY_MS;
      insertTimer.run(id, 'resolution', cnPolicy, 'calendar', null, created, 15 * DAY_MS, created + 15 * DAY_MS, late ? 'breached' : 'met', resolvedAt,
        late ? created + 15 * DAY_MS : null, resolvedAt);
      if (kind === 'complaint' && random() < 0.5) {
        const outcome = pick(OUTCOMES);
        insertReview.run(id, outcome, outcome === 'upheld' || outcome === 'partly_upheld' ? Math.floor(random() * 2_000_000) : null, pick(ROOT_CAUSES), pick(LESSONS), resolvedAt);
      }
      if (random() < 0.2) insertRatingRow.run(id, 1 + Math.floor(random() * 5), random() < 0.3 ? '处理及时，谢谢' : null, resolvedAt + HOUR);
    }
    if (random() < 0.05) insertFlag.run(id, pick(FLAGS), created);
    if (random() < 0.7) insertAck.run(id, created, created, created + 60_000);
  }
});
for (let i = 0; i < n; i += 10_000) batch(i, Math.min(n, i + 10_000));
console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

t0 = performance.now();
const { cells } = backfillRollups(db);
console.log(`backfill: ${cells} roll-up cells in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
c.pragma('optimize');

const year = { from: '2025-12-01', to: '2026-12-01' };
time('volume by day, whole year', () => volumeByDay(db, year));
time('volume by week, whole year', () => volumeByWeek(db, year));
for (const d of ['channel', 'product', 'cause', 'kind', 'team'] as const) time(`volume by ${d}, whole year`, () => volumeBy(db, year, d));
time('volume by cause, one product, complaints', () => volumeBy(db, { ...year, product: 'wealth', kind: 'complaint' }, 'cause'));
time('volume by day, one channel × product', () => volumeByDay(db, { ...year, channel: 'sms', product: 'cards' }));
time('open backlog by age', () => backlogByAge(db, { now: NOW }));
time('open backlog by age, one product', () => backlogByAge(db, { now: NOW, filter: { product: 'wealth' } }));
time('all of the above (one reports page)', () => {
  volumeByDay(db, year);
  volumeByWeek(db, year);
  for (const d of ['channel', 'product', 'cause', 'kind', 'team'] as const) volumeBy(db, year, d);
  backlogByAge(db, { now: NOW });
});
const march = { from: '2026-03-01', to: '2026-04-01' };
time('SLA: met per target and policy, times, breaches by team, whole year', () => slaReport(db, year));
time('outcomes: upheld, redress by product, root causes, whole year', () => outcomesReport(db, year));
time('escalations, risk signals, suitability, whole year', () => riskReport(db, year));
time('satisfaction by team, whole year', () => satisfactionReport(db, year));
time('staff quality per agent, whole year', () => staffQuality(db, year));
time('lessons search (trigram), whole year, 50 newest', () =>
  searchLessons(db, { from: new Date(YEAR_START), to: NOW, filter: {}, query: '风险评估', limit: 50 }),
);
const pageOf = (from: string, to: string, extra: { channel?: Channel; product?: Product; teamId?: number } = {}) => () =>
  loadReportPage(db, { params: { from, to, by: 'day', ...extra }, now: NOW, language: 'zh' });
time('**the whole reports page, whole year**', pageOf('2025-12-01', '2026-11-30'));
time('the whole reports page, whole year, by week', () => loadReportPage(db, { params: { from: '2025-12-01', to: '2026-11-30', by: 'week' }, now: NOW, language: 'zh' }));
time('the whole reports page, one month', pageOf(march.from, '2026-03-31'));
time('the whole reports page, year, one product × channel × team', pageOf('2025-12-01', '2026-11-30', { channel: 'sms', product: 'wealth', teamId: teamIds[0] }));
// The page's statements must read roll-ups and indexes only: print the plan of the facts sum.
for (const row of c
  .prepare(
    `explain query plan select item, sum(n), sum(total) from insight_monthly_facts where measure = 'sla' and month >= '2025-12' and month < '2026-11' group by item`,
  )
  .all() as { detail: string }[])
  console.log(`  plan (facts, months): ${row.detail}`);
for (const row of c
  .prepare(
    `explain query plan select agent_id, measure, sum(n), sum(total) from insight_agent_daily where day >= '2025-12-01' and day < '2026-12-01' group by agent_id, measure`,
  )
  .all() as { detail: string }[])
  console.log(`  plan (agents): ${row.detail}`);
const half = parseHalf('2026H1')!;
time('FCA return 2026H1', () => fcaReturn(db, half), 3);
time('China return 2026H1', () => cnReturn(db, half), 3);
time('early-warning scan (first run raises, later no-ops)', () => scanEarlyWarning(db, { at: NOW, publicUrl: 'http://x' }), 3);
db.$client.close();

console.log('export of the whole year in its own process:');
const exported = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--export-only', '--db', path], { encoding: 'utf8' });
console.log(exported.trim());
console.log(`(database left in ${dir}; delete it when done)`);
