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
import { backfillRollups } from '../app/insight/rollup.server';
import { scanEarlyWarning } from '../app/insight/scan.server';
import { exportTickets } from '../app/insight/ticket-export.server';
import { openDb } from '../db/client';
import { CAUSES, CHANNELS, PRODUCTS } from '../db/constants';
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
const half = parseHalf('2026H1')!;
time('FCA return 2026H1', () => fcaReturn(db, half), 3);
time('China return 2026H1', () => cnReturn(db, half), 3);
time('early-warning scan (first run raises, later no-ops)', () => scanEarlyWarning(db, { at: NOW, publicUrl: 'http://x' }), 3);
db.$client.close();

console.log('export of the whole year in its own process:');
const exported = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--export-only', '--db', path], { encoding: 'utf8' });
console.log(exported.trim());
console.log(`(database left in ${dir}; delete it when done)`);
