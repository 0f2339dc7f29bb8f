// npm run bench:sync: what DB_SYNC costs per commit. Opens a fresh database with each setting
// through openDb (WAL, the same pragmas as the server) and commits BENCH_COMMITS small write
// transactions one after another (BEGIN IMMEDIATE, one 1 KiB row each), as intake commits one
// transaction per acknowledged message; prints commits per second and the commit latency.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDb, writeTransaction, type DbSync } from '../db/client';

const commits = Number(process.env.BENCH_COMMITS ?? 2000);

function run(sync: DbSync): { perSecond: number; p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-sync-'));
  const db = openDb({ url: `file:${join(dir, 'bench.sqlite')}`, sync, migrate: false });
  db.run(sql`create table bench (id integer primary key, body text not null)`);
  const body = randomBytes(512).toString('hex');
  const times: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < commits; i++) {
    const t = process.hrtime.bigint();
    writeTransaction(db, (tx) => tx.run(sql`insert into bench (body) values (${body})`));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { perSecond: commits / seconds, p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

process.stdout.write(`bench:sync ${new Date().toISOString()}  ${cpus().length} × ${cpus()[0]?.model.trim()}, ${commits} commits each, tmpdir ${tmpdir()}\n`);
for (const sync of ['full', 'normal', 'full', 'normal'] as DbSync[]) {
  const r = run(sync);
  process.stdout.write(`DB_SYNC=${sync.padEnd(6)} ${r.perSecond.toFixed(0).padStart(6)} commits/s  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms\n`);
}
