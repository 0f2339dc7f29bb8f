// npm run bench:queue — the staff queue at a million tickets. Seeds a fresh database file
// directly (BENCH_TICKETS, default 1,000,000), then measures the loaders' database work:
// the first page and a deep page of every built-in view (with the view counts every queue
// request computes), searches, and the ticket workspace. Prints p50/p95 and the query plans.
//
// BENCH_DB=path keeps the seeded database: the first run seeds it there, later runs find its
// tickets and skip the seeding (a million takes many minutes), so a change to an index or a
// query can be re-measured at once. Opening the file applies any new migration to it, so new
// indexes are built on the kept data. Delete the file to seed afresh (e.g. after changing
// BENCH_TICKETS or the generator).
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { openDb, type Db } from '../db/client';
import { QUEUE_VIEWS, type QueueView } from '../db/queue-constants';
import { insertBulkTickets } from '../db/seed-bulk';
import { countViewSql, countViews, defaultSortOf, queuePage, queuePageSql, queueRows, searchSql, searchTickets, type QueueScope } from '../db/store/queue';
import { listActiveStaff, listTeams } from '../db/store/staff';
import { eventsOf, findTicketByReference, flagsOf } from '../db/store/tickets';
import { customerPanel, latestCaseReview, latestInboundMessageId, listMacros, otherTicketsOfCustomer, ratingOf, threadOf } from '../db/store/triage';

const COUNT = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE ?? 200);
const PAGE = 50;
const now = new Date('2026-06-01T00:00:00Z');
const dialect = new SQLiteSyncDialect();

function time(fn: () => void): { p50: number; p95: number } {
  fn(); // warm the statement cache and the page cache once
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]! };
}

function plan(db: Db, query: SQL): string[] {
  const { sql, params } = dialect.sqlToQuery(query);
  return (db.$client.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

const FULL_SCAN = /^SCAN (tickets|messages|t|t2)\b(?! USING)/;

function seed(db: Db) {
  const c = db.$client;
  const started = Date.now();
  for (let t = 1; t <= 10; t++) c.prepare('insert into teams (name, created_at) values (?, 0)').run(`Team ${t}`);
  for (let s = 1; s <= 50; s++) {
    c.prepare("insert into staff_users (email, name, role, team_id, password_hash, created_at) values (?, ?, ?, ?, 'x', 0)").run(
      `staff${s}@example.com`,
      `Staff ${s}`,
      s % 10 === 0 ? 'supervisor' : 'agent',
      ((s - 1) % 10) + 1,
    );
  }
  insertBulkTickets(db, {
    count: COUNT,
    now,
    staffIds: Array.from({ length: 50 }, (_, i) => i + 1),
    teamIds: Array.from({ length: 10 }, (_, i) => i + 1),
    batch: 20_000,
    onProgress: (n) => {
      if (n % 100_000 === 0 || n === COUNT) process.stderr.write(`seeded ${n} tickets (${Math.round((Date.now() - started) / 1000)} s)\n`);
    },
  });
}

function main() {
  const kept = process.env.BENCH_DB;
  const dir = kept ? null : mkdtempSync(join(tmpdir(), 'redress-bench-'));
  const file = kept ?? join(dir!, 'bench.sqlite');
  const reuse = kept !== undefined && existsSync(kept);
  const started = Date.now();
  if (!reuse) {
    // Seeded under another name and renamed when complete, so an interrupted seed is never reused.
    const seeding = `${file}.seeding`;
    rmSync(seeding, { force: true });
    const fresh = openDb({ url: `file:${seeding}`, sync: 'normal' });
    seed(fresh);
    fresh.$client.close();
    renameSync(seeding, file);
  } else console.log(`# reusing ${kept}`);
  const db = openDb({ url: `file:${file}`, sync: 'normal' });
  const c = db.$client;
  const counts = c.prepare("select count(*) as tickets, (select count(*) from messages) as messages, sum(status in ('new','open','pending')) as open from tickets").get();
  console.log(`# Redress queue benchmark: ${JSON.stringify(counts)}; ${reuse ? 'opened' : 'seeded'} in ${Math.round((Date.now() - started) / 1000)} s; ${RUNS} runs each`);
  const supervisor: QueueScope = { userId: 10, teamId: 10, restricted: false };
  const agent: QueueScope = { userId: 1, teamId: 1, restricted: true };
  const rows: { name: string; p50: number; p95: number }[] = [];
  const plans: { name: string; lines: string[] }[] = [];
  const record = (name: string, r: { p50: number; p95: number }, queries: SQL[]) => {
    rows.push({ name, ...r });
    plans.push({ name, lines: queries.flatMap((q) => plan(db, q)) });
  };

  for (const [who, scope] of [
    ['supervisor', supervisor],
    ['agent', agent],
  ] as const) {
    for (const view of QUEUE_VIEWS) {
      const sort = defaultSortOf(view);
      const q = { view, sort, filters: {}, scope, limit: PAGE, now };
      // Loader work: the page's ids, its display rows and the nine view counts.
      const first = () => {
        const page = queuePage(db, q);
        queueRows(db, page.ids);
        countViews(db, QUEUE_VIEWS, scope, now);
      };
      record(`${who} ${view}: first page`, time(first), [queuePageSql(q), ...QUEUE_VIEWS.map((v: QueueView) => countViewSql(v, scope, now))]);
      let cursor: number[] | null = null;
      let depth = 0;
      for (; depth < DEEP_PAGE; depth++) {
        const page = queuePage(db, { ...q, cursor });
        if (!page.next) break;
        cursor = page.next;
      }
      const deep = () => {
        const page = queuePage(db, { ...q, cursor });
        queueRows(db, page.ids);
        countViews(db, QUEUE_VIEWS, scope, now);
      };
      record(`${who} ${view}: page ${depth + 1}`, time(deep), [queuePageSql({ ...q, cursor })]);
    }
  }

  for (const text of ['client123457@example.com', '13800123457', '客户654321', '理财产品被当作存款销售 #777', '保险理赔']) {
    const q = { text, view: 'open' as const, filters: {}, scope: supervisor, limit: PAGE, now };
    record(`search open "${text}"`, time(() => queueRows(db, searchTickets(db, q).ids)), [searchSql(db, q)]);
  }

  const reference = (c.prepare('select reference from tickets where id = ?').get(Math.floor(COUNT / 2)) as { reference: string }).reference;
  record(
    `workspace ${reference}`,
    time(() => {
      const t = findTicketByReference(db, reference)!;
      customerPanel(db, t.customerId);
      otherTicketsOfCustomer(db, t.customerId, t.id);
      threadOf(db, t.id);
      eventsOf(db, t.id);
      flagsOf(db, t.id);
      latestCaseReview(db, t.id);
      ratingOf(db, t.id);
      latestInboundMessageId(db, t.id);
      listActiveStaff(db);
      listTeams(db);
      listMacros(db);
    }),
    [],
  );

  console.log('\n| measurement | p50 ms | p95 ms |\n|---|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} |`);
  let scans = 0;
  console.log('\n## Query plans');
  for (const p of plans) {
    console.log(`\n${p.name}`);
    for (const line of [...new Set(p.lines)]) {
      const bad = FULL_SCAN.test(line);
      if (bad) scans++;
      console.log(`  ${bad ? '!! ' : ''}${line}`);
    }
  }
  const over = rows.filter((r) => r.p95 > 50);
  console.log(`\n${over.length === 0 ? 'All' : `${rows.length - over.length} of ${rows.length}`} measurements within p95 ≤ 50 ms; ${scans} full scans of tickets/messages in the plans.`);
  db.$client.close();
  if (dir && !process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`database kept in ${file}`);
}

main();
