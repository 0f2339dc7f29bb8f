// npm run bench:sla [-- --tickets N --due N --spread --db FILE --hooks sla,escalation,rollup]: the SLA sweep over a million open tickets with
// running timers (rows inserted directly, in bulk), timed twice: with nothing due, and with
// 10,000 timers due (half a warning, half a breach, each with its event and the ticket hooks the
// server runs: SLA, escalation rules with their notices, roll-ups). Prints the figures;
// docs/PERFORMANCE.md records them. Not a test. --db FILE keeps the loaded database: the first run
// writes it there, later runs with the same figures copy it instead of loading again (a million
// tickets take minutes to load; the sweep changes the copy, never the kept file).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureSlaPresets } from '../app/sla/seed.server';
import { runSlaSweep } from '../app/sla/sweep.server';
import type { TicketContext } from '../app/tickets/context';
import { createTicketHooks } from '../app/tickets/hooks.server';
import { openDb } from '../db/client';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    due: { type: 'string', default: '10000' },
    spread: { type: 'boolean', default: false },
    db: { type: 'string' },
    // Which of the server's ticket hooks run (createTicketHooks' order): leaving one out shows its share.
    hooks: { type: 'string', default: 'sla,escalation,rollup' },
  },
});
const TICKETS = Number(values.tickets);
const DUE = Number(values.due);
const DAY = 86_400_000;
const T = Date.parse('2026-06-01T00:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'redress-bench-sla-'));
const file = join(dir, 'bench.sqlite');
const kept = values.db !== undefined && existsSync(values.db);
if (kept) copyFileSync(values.db!, file);
const db = openDb({ url: `file:${file}`, sync: 'normal' });
ensureSlaPresets(db, new Date(T - 60 * DAY));
const client = db.$client;
let started = performance.now();
if (!kept) load();
const loadSeconds = (performance.now() - started) / 1000;

function load(): void {
  const policyId = (client.prepare(`select id from sla_policies where key = 'cn-nfra'`).get() as { id: number }).id;
  // Three tickets per customer: the escalation rules count a customer's recent complaints, and one
  // customer holding every ticket would make that count walk the whole table.
  const TICKETS_PER_CUSTOMER = 3;
  const insertCustomer = client.prepare(`insert into customers (id, name, created_at, updated_at) values (?, 'bench', ?, ?)`);
  client.transaction(() => {
    for (let c = 1; c <= Math.ceil(TICKETS / TICKETS_PER_CUSTOMER); c++) insertCustomer.run(c, T, T);
  })();
  client.prepare(`insert into staff_users (email, name, role, language, password_hash, created_at) values ('lead@bank.example', 'Lead', 'supervisor', 'en', 'x', ?)`).run(T);
  const insertTicket = client.prepare(
    `insert into tickets (id, reference, kind, channel, status, priority, subject, customer_id, language, created_at, updated_at, last_message_at)
     values (?, ?, 'complaint', 'web', 'open', 'normal', 'bench', ?, 'zh', ?, ?, ?)`,
  );
  const insertTimer = client.prepare(
    `insert into sla_timers (ticket_id, target, policy_id, policy_version, clock, started_at, budget_ms, due_at, paused_total_ms, state, warnings_fired, next_action_at, extension_step, updated_at)
     values (?, 'resolution', ?, 1, 'calendar', ?, ?, ?, 0, 'running', ?, ?, 0, ?)`,
  );
  const BUDGET = 15 * DAY;
  const CHUNK = 50_000;
  for (let from = 1; from <= TICKETS; from += CHUNK) {
    client.transaction(() => {
      for (let id = from; id < Math.min(from + CHUNK, TICKETS + 1); id++) {
        let start: number;
        let fired: number;
        let next: number;
        // Timers come due in the order their tickets arrived, so the due ones are the oldest tickets;
        // --spread scatters them over the whole table instead (the worst case for page locality).
        const step = values.spread ? Math.max(1, Math.floor(TICKETS / DUE)) : 1;
        const nth = id / step;
        const isDue = id % step === 0 && nth <= DUE;
        if (isDue && nth % 2 === 0) {
          // The "1 day before" warning came due in the last hour.
          start = T - 14 * DAY - (id % 3600) * 1000;
          fired = 2;
          next = start + 14 * DAY;
        } else if (isDue) {
          // The due time passed in the last hour: a breach.
          start = T - 15 * DAY - (id % 3600) * 1000;
          fired = 3;
          next = start + BUDGET;
        } else {
          // Opened in the last five days: the first warning (50%) is days ahead.
          start = T - (id % (5 * 86_400)) * 1000;
          fired = 0;
          next = start + BUDGET / 2;
        }
        insertTicket.run(id, `CMP-2026-${String(id).padStart(7, '0')}`, Math.ceil(id / TICKETS_PER_CUSTOMER), start, start, start);
        insertTimer.run(id, policyId, start, BUDGET, start + BUDGET, fired, next, start);
      }
    })();
  }
  // No ANALYZE: the server never gathers statistics, so the sweep must be fast without them.
  client.pragma('wal_checkpoint(TRUNCATE)');
  if (values.db !== undefined) copyFileSync(file, values.db);
}
const due = (client.prepare(`select count(*) as n from sla_timers where state = 'running' and next_action_at <= ?`).get(T) as { n: number }).n;
const running = (client.prepare(`select count(*) as n from sla_timers where state = 'running'`).get() as { n: number }).n;
// Without --spread the due timers are the oldest tickets, 1 to DUE.
const lastDue = (client.prepare(`select max(ticket_id) as id from sla_timers where state = 'running' and next_action_at <= ?`).get(T) as { id: number | null }).id;
const spreadAsAsked = values.spread ? (lastDue ?? 0) > DUE : lastDue === due;
if (kept && (running !== TICKETS || due !== Math.min(DUE, TICKETS) || !spreadAsAsked)) {
  // A kept file made with other figures would measure something else under these.
  console.error(`${values.db} holds ${running} running timers, ${due} due (${lastDue === due ? 'the oldest tickets' : 'spread'}): not these figures; delete it or pass its own`);
  process.exit(2);
}
const plan = client
  .prepare(`explain query plan select id from sla_timers indexed by sla_timers_next_idx where state = 'running' and next_action_at <= ? order by next_action_at limit 500`)
  .all(T)
  .map((r) => (r as { detail: string }).detail)
  .join('; ');

const ctx: TicketContext = { db, publicUrl: 'https://complaints.example.com', attachmentDir: join(dir, 'attachments'), hooks: [] };
// The same hooks, in the same order, as the server's sweep runs.
const HOOK_NAMES = ['sla', 'escalation', 'rollup'];
const wanted = values.hooks.split(',').filter(Boolean);
ctx.hooks.push(...createTicketHooks(ctx, { now: new Date(T - 60 * DAY) }).filter((_, i) => wanted.includes(HOOK_NAMES[i]!)));
const idle: number[] = [];
for (let i = 0; i < 50; i++) {
  started = performance.now();
  const r = runSlaSweep(ctx, { now: new Date(T - 2 * 3_600_000) });
  idle.push(performance.now() - started);
  if (r.timers !== 0) throw new Error('the idle sweep found work');
}
idle.sort((a, b) => a - b);
started = performance.now();
// CPU time too: on a shared machine the wall clock also counts the time other processes held the cores.
const cpuBefore = process.cpuUsage();
const busy = runSlaSweep(ctx, { now: new Date(T) });
const busyMs = performance.now() - started;
const busyCpu = process.cpuUsage(cpuBefore);
started = performance.now();
const after = runSlaSweep(ctx, { now: new Date(T) });
const afterMs = performance.now() - started;

console.log(
  JSON.stringify(
    {
      tickets: TICKETS,
      hooks: wanted.join(','),
      layout: values.spread ? 'due timers spread over all tickets' : 'due timers are the oldest tickets',
      runningTimers: TICKETS,
      dueTimers: due,
      loadSeconds: kept ? `copied from ${values.db}` : Number(loadSeconds.toFixed(1)),
      claimPlan: plan,
      idleSweepMs: { median: Number(idle[idle.length >> 1]!.toFixed(3)), max: Number(idle.at(-1)!.toFixed(3)) },
      dueSweep: { ms: Number(busyMs.toFixed(1)), cpuMs: Math.round((busyCpu.user + busyCpu.system) / 1000), systemMs: Math.round(busyCpu.system / 1000), ...busy },
      loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
      sweepAfterDueMs: Number(afterMs.toFixed(3)),
    },
    null,
    2,
  ),
);
db.$client.close();
rmSync(dir, { recursive: true, force: true });
