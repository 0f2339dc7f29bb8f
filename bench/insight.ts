// Insight benchmark: a synthetic year of tickets (default 20,000; --tickets 1000000 for the
// recorded run, tests/support/insight-year.ts), then the time of each report query over the
// roll-ups, of the reports page part by part and whole for the default period and the year with
// and without filters, the early-warning scan, the half-year returns, and a full streaming export
// run in its own process so that its peak memory is its own.
//
//   npm run bench:insight -- --tickets 1000000 --db /tmp/insight-1m.sqlite   # generate, keep, measure
//   npm run bench:insight -- --db /tmp/insight-1m.sqlite --page               # measure the page again
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fcaReturn, cnReturn, parseHalf } from '../app/insight/returns.server';
import { loadReportPage } from '../app/insight/report-page.server';
import { parseReportParams, periodInstants, reportFilterOf, type ReportParams } from '../app/insight/report-params';
import {
  backlogByAge,
  outcomesReport,
  riskReport,
  satisfactionReport,
  slaReport,
  staffQuality,
  volumeBy,
  volumeByDay,
  volumeByWeek,
} from '../app/insight/reports.server';
import { backfillRollups } from '../app/insight/rollup.server';
import { alertsRaisedBetween, ratingComments, searchLessons, suspendInsightTriggers } from '../db/store/insight';
import { scanEarlyWarning } from '../app/insight/scan.server';
import { exportTickets } from '../app/insight/ticket-export.server';
import { openDb } from '../db/client';
import { generateInsightYear, YEAR_NOW, YEAR_START } from '../tests/support/insight-year';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    /** Keep the database in this file; when it exists already, measure it as it is. */
    db: { type: 'string' },
    /** Measure the reports page only (no separate volume queries, returns, scan or export). */
    page: { type: 'boolean', default: false },
    'export-only': { type: 'boolean', default: false },
  },
});

const NOW = YEAR_NOW;
const PAGE_RUNS = 7;

interface Timing {
  label: string;
  ms: number[];
  median: number;
  max: number;
}

/** Runs `fn` `runs` times and prints the median and the worst; returns the times. */
function time(label: string, fn: () => unknown, runs = 5, name = label): Timing {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(runs / 2)]!;
  console.log(`${label.padEnd(48)} median ${median.toFixed(1).padStart(8)} ms   max ${ms.at(-1)!.toFixed(1).padStart(8)} ms`);
  return { label: name, ms, median, max: ms.at(-1)! };
}

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
const path = values.db ?? join(mkdtempSync(join(tmpdir(), 'redress-bench-insight-')), 'bench.sqlite');
const reuse = existsSync(path);
const db = openDb({ url: `file:${path}`, sync: 'normal' });
const c = db.$client;
// 256 MiB of page cache: a million tickets' indexes are written in random order.
c.pragma('cache_size = -262144');

if (reuse) {
  // --db with a file from an earlier run: measure it again as it is (after a code change).
  console.log(`Reusing ${c.prepare('select count(*) from tickets').pluck().get()} tickets in ${path}`);
} else {
  console.log(`Generating ${n} tickets in ${path} …`);
  let t0 = performance.now();
  // The synthetic rows are consistent by construction: checking each foreign key costs a lookup
  // per row. The insight triggers are suspended too; the backfill below counts the same facts
  // set by set (tests/insight/backfill.test.ts compares the two on a small year).
  c.pragma('foreign_keys = OFF');
  const triggers = suspendInsightTriggers(db);
  // The other tables' secondary indexes and the ticket and message search triggers go too, and
  // are built again from their own SQL after the load: one sorted build each instead of a million
  // random inserts (2.5× faster at 50,000 tickets). Unique indexes stay (they are constraints), and
  // so do sla_timers' (the SLA summary triggers look timers up by ticket on every insert).
  const others = c
    .prepare(
      `select type, name, sql from sqlite_master where sql is not null and (
         (type = 'index' and tbl_name in ('tickets', 'messages', 'outbox', 'customers', 'case_reviews', 'ratings') and sql not like 'CREATE UNIQUE%')
         or (type = 'trigger' and name in ('tickets_fts_ai', 'messages_fts_ai')))`,
    )
    .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
  for (const o of others) c.exec(`drop ${o.type} ${o.name}`);
  generateInsightYear(db, {
    tickets: n,
    mode: 'bulk',
    batch: 50_000,
    onBatch: (done) => done % 100_000 === 0 && console.log(`  ${done} tickets, ${((performance.now() - t0) / 1000).toFixed(1)} s`),
  });
  c.pragma('foreign_keys = ON');
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  for (const o of others) c.exec(o.sql);
  c.exec(`insert into tickets_fts (tickets_fts) values ('rebuild'); insert into messages_fts (messages_fts) values ('rebuild');`);
  console.log(`${others.length} indexes and triggers built again, search indexes rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  triggers.restore();
  const { cells } = backfillRollups(db);
  console.log(`backfill: ${cells} roll-up cells in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  c.pragma('optimize');
  console.log(`optimize in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const teamIds = (c.prepare('select id from teams order by id').pluck().all() as number[]).slice(0, 5);

const year = { from: '2025-12-01', to: '2026-12-01' };
if (!values.page) {
  time('volume by day, whole year', () => volumeByDay(db, year));
  time('volume by week, whole year', () => volumeByWeek(db, year));
  for (const d of ['channel', 'product', 'cause', 'kind', 'team'] as const) time(`volume by ${d}, whole year`, () => volumeBy(db, year, d));
  time('volume by cause, one product, complaints', () => volumeBy(db, { ...year, product: 'wealth', kind: 'complaint' }, 'cause'));
  time('volume by day, one channel × product', () => volumeByDay(db, { ...year, channel: 'sms', product: 'cards' }));
  time('open backlog by age', () => backlogByAge(db, { now: NOW }));
  time('open backlog by age, one product', () => backlogByAge(db, { now: NOW, filter: { product: 'wealth' } }));
}

// The reports page, part by part and whole, for the period the page opens on (the 30 days up to
// today) and for the whole year, unfiltered and filtered by team, channel, product and cause
// (each alone, then all four). Each part is called as loadReportPage calls it.
const filters: [string, Record<string, string>][] = [
  ['', {}],
  ['team', { team: String(teamIds[0]) }],
  ['channel', { channel: 'sms' }],
  ['product', { product: 'wealth' }],
  ['cause', { cause: 'mis_selling' }],
  ['team × channel × product × cause', { team: String(teamIds[0]), channel: 'sms', product: 'wealth', cause: 'mis_selling' }],
];
const paramsOf = (search: Record<string, string>): ReportParams => {
  const parsed = parseReportParams(new URLSearchParams(search), NOW);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.params;
};
const periods: [string, Record<string, string>][] = [
  ['default 30 days', {}],
  ['whole year', { from: '2025-12-01', to: '2026-11-30' }],
];
const wholePage: Timing[] = [];
for (const [periodLabel, period] of periods) {
  for (const [filterLabel, filter] of filters) {
    const params = paramsOf({ ...period, ...filter });
    const f = reportFilterOf(params);
    const instants = periodInstants(params);
    const ticketFilter = { channel: params.channel, product: params.product, cause: params.cause, teamId: params.teamId };
    const scenario = `${periodLabel}${filterLabel ? `, ${filterLabel}` : ''}`;
    console.log(`\n${scenario} (${params.from} … ${params.to}):`);
    time('  volume by day', () => volumeByDay(db, f));
    time('  volume by week', () => volumeByWeek(db, f));
    time('  breakdowns: channel, product, cause, kind', () => (['channel', 'product', 'cause', 'kind'] as const).map((d) => volumeBy(db, f, d)));
    time('  open backlog by age', () => backlogByAge(db, { now: NOW, filter: ticketFilter }));
    time('  alerts (100 newest)', () => alertsRaisedBetween(db, { ...instants, limit: 100 }));
    time('  SLA', () => slaReport(db, f));
    time('  outcomes', () => outcomesReport(db, f));
    time('  risk', () => riskReport(db, f));
    time('  satisfaction', () => satisfactionReport(db, f));
    time('  rating comments (50 newest)', () => ratingComments(db, { ...instants, filter: ticketFilter, limit: 50 }));
    time('  lessons (50 newest)', () => searchLessons(db, { ...instants, filter: ticketFilter, limit: 50 }));
    time('  lessons search "风险评估" (50 newest)', () => searchLessons(db, { ...instants, filter: ticketFilter, query: '风险评估', limit: 50 }));
    time('  staff quality', () => staffQuality(db, f));
    wholePage.push(time('  **whole page (loadReportPage)**', () => loadReportPage(db, { params, now: NOW, language: 'zh' }), PAGE_RUNS, scenario));
    if (filterLabel === '') {
      wholePage.push(
        time('  whole page, by week', () => loadReportPage(db, { params: { ...params, by: 'week' }, now: NOW, language: 'zh' }), PAGE_RUNS, `${scenario}, by week`),
      );
      wholePage.push(
        time('  whole page, lessons search "风险评估"', () => loadReportPage(db, { params: { ...params, q: '风险评估' }, now: NOW, language: 'zh' }), PAGE_RUNS, `${scenario}, lessons search`),
      );
    }
  }
}
console.log('\nThe whole page (loadReportPage), every scenario:');
for (const w of wholePage) console.log(`  ${w.label.padEnd(60)} median ${w.median.toFixed(0).padStart(6)} ms   max ${w.max.toFixed(0).padStart(6)} ms`);
const all = wholePage.flatMap((w) => w.ms).sort((a, b) => a - b);
console.log(`  all ${all.length} page loads: median ${all[Math.floor(all.length / 2)]!.toFixed(0)} ms, p95 ${all[Math.ceil(all.length * 0.95) - 1]!.toFixed(0)} ms, max ${all.at(-1)!.toFixed(0)} ms`);

// The page's statements must read roll-ups and indexes only: print the plans of the main ones.
console.log('\nQuery plans:');
const plans: [string, string][] = [
  ['facts, months', `select item, sum(n), sum(total) from insight_monthly_facts where measure = 'sla' and month >= '2025-12' and month < '2026-11' group by item`],
  ['facts, edge days', `select item, sum(n), sum(total) from insight_daily_facts where measure = 'sla' and day >= '2026-11-01' and day < '2026-12-01' group by item`],
  ['fact totals, months', `select item, sum(n), sum(total) from insight_monthly_fact_totals where measure = 'review' and month >= '2025-12' and month < '2026-12' group by item`],
  ['agents', `select agent_id, measure, sum(n), sum(total) from insight_agent_daily where day >= '2025-12-01' and day < '2026-12-01' group by agent_id, measure`],
  [
    'comments',
    `select t.reference from ratings indexed by insight_ratings_created_idx join tickets t on t.id = ratings.ticket_id
     where ratings.created_at >= 0 and ratings.created_at < 1 and coalesce(ratings.comment, '') <> '' order by ratings.created_at desc, ratings.id desc limit 50`,
  ],
  [
    'lessons, narrow filter',
    `select t.reference from tickets t indexed by insight_tickets_cell_idx cross join case_reviews r on r.ticket_id = t.id
     where r.created_at >= 0 and r.created_at < 1 and t.product = 'wealth' and t.cause = 'mis_selling' and t.channel = 'sms'
       and +r.id in (select rowid from insight_lessons_fts where insight_lessons_fts match 'x') order by r.created_at desc, r.id desc limit 50`,
  ],
];
for (const [label, query] of plans)
  for (const row of c.prepare(`explain query plan ${query}`).all() as { detail: string }[]) console.log(`  plan (${label}): ${row.detail}`);

if (!values.page) {
  const half = parseHalf('2026H1')!;
  time('FCA return 2026H1', () => fcaReturn(db, half), 3);
  time('China return 2026H1', () => cnReturn(db, half), 3);
  time('early-warning scan (first run raises, later no-ops)', () => scanEarlyWarning(db, { at: NOW, publicUrl: 'http://x' }), 3);
}
const sizes = c
  .prepare(
    `select (select count(*) from tickets) as tickets, (select count(*) from sla_timers) as timers, (select count(*) from case_reviews) as reviews,
       (select count(*) from ratings) as ratings, (select count(*) from insight_daily_counts) as dailyCounts,
       (select count(*) from insight_monthly_counts) as monthlyCounts, (select count(*) from insight_daily_facts) as dailyFacts,
       (select count(*) from insight_monthly_facts) as monthlyFacts, (select count(*) from insight_agent_daily) as agentDaily`,
  )
  .get();
console.log(`\nsizes: ${JSON.stringify(sizes)}, file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
db.$client.close();

if (!values.page) {
  console.log('export of the whole year in its own process:');
  const exported = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--export-only', '--db', path], { encoding: 'utf8' });
  console.log(exported.trim());
}
console.log(values.db ? `(database kept in ${path}; run again with --db to measure it again)` : `(database left in ${path}; delete it when done)`);
