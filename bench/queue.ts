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
import type { Statement } from 'better-sqlite3';
import { openDb, type Db } from '../db/client';
import { QUEUE_VIEWS } from '../db/queue-constants';
import { insertBulkTickets } from '../db/seed-bulk';
import { customerProfileOf } from '../app/escalation/profile.server';
import { slaSummaryForTicket } from '../app/sla/summary.server';
import { mergedIntoOf, mergeTargetsOf } from '../db/store/merge';
import { countDelayedOutbox, delayedOutboxOfTicket } from '../db/store/outbox';
import { countViews, defaultSortOf, queuePage, queueRows, searchTickets, type QueueScope } from '../db/store/queue';
import { timersOfTicket } from '../db/store/sla';
import { listActiveStaff, listSavedViews, listTeams } from '../db/store/staff';
import { eventsOf, findTicketByReference, flagsOf } from '../db/store/tickets';
import { customerPanel, latestCaseReview, latestInboundMessageId, listMacros, otherTicketsOfCustomer, ratingOf, threadOf } from '../db/store/triage';

const COUNT = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE ?? 200);
const PAGE = 50;
const now = new Date('2026-06-01T00:00:00Z');
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

function time(fn: () => void): { p50: number; p95: number } {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]! };
}

/**
 * Runs fn once (which also warms the statement and page caches) and returns the query plan of
 * every statement it ran, with the parameters it ran them with: the plans printed are those of
 * the code measured, whatever store function built the SQL.
 */
function plansOf(db: Db, fn: () => void): string[] {
  const c = db.$client;
  const ran = new Map<string, unknown[]>();
  const prepare = c.prepare;
  const watch = (source: string, stmt: Statement): Statement =>
    new Proxy(stmt, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        if (key === 'all' || key === 'get' || key === 'run' || key === 'iterate')
          return (...args: unknown[]) => {
            ran.set(source, args);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        // Mode setters return the statement itself: keep watching it.
        if (key === 'raw' || key === 'pluck' || key === 'expand')
          return (...args: unknown[]) => {
            (value as (...a: unknown[]) => unknown).apply(target, args);
            return watch(source, target);
          };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  c.prepare = ((source: string) => watch(source, prepare.call(c, source))) as typeof c.prepare;
  try {
    fn();
  } finally {
    c.prepare = prepare;
  }
  return [...ran].flatMap(([source, args]) =>
    /^\s*(select|with)\b/i.test(source)
      ? ((prepare.call(c, `explain query plan ${source}`) as Statement<unknown[]>).all(...args) as { detail: string }[]).map((r) => r.detail)
      : [],
  );
}

const FULL_SCAN = /^SCAN (tickets|messages|t|t2)\b(?! USING)/;

function seed(db: Db) {
  const c = db.$client;
  // A million tickets' indexes (nine queue indexes, FTS, insight roll-ups) outgrow the default
  // 2 MB page cache, and every insert then touches pages read back from the OS: at 400,000
  // tickets on the shared machine the seed had slowed to 140 tickets/s.
  c.pragma('cache_size = -2000000');
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
  // The data's mix, so the figures can be read against what each view holds.
  const counts = c
    .prepare(
      `select count(*) as tickets, (select count(*) from messages) as messages,
        sum(o) as open, sum(status = 'pending') as pending, sum(status = 'resolved') as resolved,
        sum(o and assignee_id is null) as openUnassigned, sum(o and team_id is null) as openNoTeam,
        sum(o and sla_state = 'breached') as openBreached, sum(o and level > 0) as openEscalated, sum(o and flag_count > 0) as openFlagged,
        sum(o and assignee_id = 1) as openOfAgent1, sum(o and (team_id = 1 or assignee_id is null or assignee_id = 1)) as openAgent1Sees
      from (select *, status in ('new','open','pending') as o from tickets)`,
    )
    .get();
  console.log(`# Redress queue benchmark: ${JSON.stringify(counts)}; ${reuse ? 'opened' : 'seeded'} in ${Math.round((Date.now() - started) / 1000)} s; ${RUNS} runs each`);
  const supervisor: QueueScope = { userId: 10, teamId: 10, restricted: false };
  const agent: QueueScope = { userId: 1, teamId: 1, restricted: true };
  const rows: { name: string; p50: number; p95: number }[] = [];
  const plans: { name: string; lines: string[] }[] = [];
  const record = (name: string, fn: () => void) => {
    if (ONLY && !ONLY.test(name)) return;
    plans.push({ name, lines: plansOf(db, fn) });
    rows.push({ name, ...time(fn) });
  };

  for (const [who, scope] of [
    ['supervisor', supervisor],
    ['agent', agent],
  ] as const) {
    for (const view of QUEUE_VIEWS) {
      const sort = defaultSortOf(view);
      const q = { view, sort, filters: {}, scope, limit: PAGE, now };
      // The queue loader's database work (app/routes/staff._index.tsx): the page's ids, its
      // display rows, the nine view counts and the lists beside the table.
      const loader = (cursor: number[] | null) => () => {
        const page = queuePage(db, { ...q, cursor });
        queueRows(db, page.ids);
        countViews(db, QUEUE_VIEWS, scope, now);
        listSavedViews(db, scope.userId);
        listActiveStaff(db);
        listTeams(db);
        countDelayedOutbox(db);
      };
      record(`${who} ${view}: first page`, loader(null));
      let cursor: number[] | null = null;
      let depth = 0;
      for (; depth < DEEP_PAGE && !(ONLY && !ONLY.test(`${who} ${view}: page`)); depth++) {
        const page = queuePage(db, { ...q, cursor });
        if (!page.next) break;
        cursor = page.next;
      }
      record(`${who} ${view}: page ${depth + 1}`, loader(cursor));
    }
  }

  for (const text of ['client123457@example.com', '13800123457', '客户654321', '理财产品被当作存款销售 #777', '保险理赔']) {
    const q = { text, view: 'open' as const, filters: {}, scope: supervisor, limit: PAGE, now };
    record(`search open "${text}"`, () => queueRows(db, searchTickets(db, q).ids));
  }

  const reference = (c.prepare('select reference from tickets where id = ?').get(Math.floor(COUNT / 2)) as { reference: string }).reference;
  // Every read of the workspace loader (app/routes/staff.tickets.$reference.tsx), in its order.
  record(`workspace ${reference}`, () => {
    const t = findTicketByReference(db, reference)!;
    customerPanel(db, t.customerId);
    threadOf(db, t.id);
    eventsOf(db, t.id);
    latestCaseReview(db, t.id);
    listActiveStaff(db);
    customerProfileOf(db, t.id, now);
    timersOfTicket(db, t.id);
    eventsOf(db, t.id);
    flagsOf(db, t.id);
    slaSummaryForTicket(db, t.id, now);
    mergedIntoOf(db, t.id);
    mergeTargetsOf(db, t.customerId, t.id);
    otherTicketsOfCustomer(db, t.customerId, t.id);
    delayedOutboxOfTicket(db, t.id);
    ratingOf(db, t.id);
    listTeams(db);
    listMacros(db);
    latestInboundMessageId(db, t.id);
  });

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
