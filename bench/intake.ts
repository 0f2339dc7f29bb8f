// npm run bench:intake: throughput and latency of opening a complaint over HTTP, three ways,
// each server in its own process and autocannon in another, all posting the same multipart
// complaint form with a fresh submission id per request (bench/payload.ts):
//   form POST /complaint on the built server (express + Remix + the form's action + intake)
//   (a)  the same form parsing, zod schema and submitComplaint()/intake() on bare node:http
//   (b)  one prepared INSERT through better-sqlite3 on bare node:http
// Then latency below saturation: the web form again, on a fresh server and database each time,
// warmed up for 3 s, then offered a fixed rate of 50 % and 80 % of the throughput it just
// measured, evenly paced over up to BENCH_CONNECTIONS connections (BENCH_RATES, default
// "0.5,0.8", sets the fractions).
// BENCH_SECONDS (default 10), BENCH_CONNECTIONS (64), DB_SYNC (full) tune a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../tests/support/server';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const sync = process.env.DB_SYNC === 'normal' ? 'normal' : 'full';
const rateFractions = (process.env.BENCH_RATES ?? '0.5,0.8').split(',').map(Number).filter((f) => f > 0);
const dir = mkdtempSync(join(tmpdir(), 'redress-bench-'));

interface Load {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  /** The slowest post (paced runs only). */
  max?: number;
  failed: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

function lines(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) ok(buf.slice(0, nl));
    });
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
  });
}

function tsx(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

const WARM_UP_SECONDS = 3;

/** Saturating load, or a fixed offered `rate` (requests/s over all connections). */
async function load(url: string, rate?: number, duration = seconds): Promise<Load> {
  const child = tsx('bench/load.ts', [url, String(connections), String(duration), ...(rate ? [String(rate)] : [])]);
  return JSON.parse(await lines(child)) as Load;
}

/** The built server, as `npm start` runs it, on its own database. */
async function formServer(name: string) {
  mkdirSync(join(dir, name));
  // Its periodic jobs stay out of the measurement (no mail to send, no timer due): the run is about the request path.
  return startServer({ DB_SYNC: sync, OUTBOX_INTERVAL_MS: '60000', SLA_SWEEP_MS: '60000', LOG_LEVEL: 'info' }, join(dir, name));
}

async function reference(script: string, db: string): Promise<{ url: string; stop(): void }> {
  const child = tsx(script, [join(dir, db), sync]);
  const { port } = JSON.parse(await lines(child)) as { port: number };
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const server = await formServer('form');
  const form = await load(`${server.url}/complaint`);
  await server.stop();

  const atRates: { rate: number; fraction: number; result: Load }[] = [];
  for (const [i, fraction] of rateFractions.entries()) {
    const rate = Math.max(1, Math.round(form.rps * fraction));
    const fresh = await formServer(`form-rate-${i}`);
    // Warmed up first at the same rate (not measured): a fresh process compiles its code and
    // fills its caches in its first seconds, with stalls of up to ~0.6 s that would otherwise be
    // the run's p99.
    await load(`${fresh.url}/complaint`, rate, WARM_UP_SECONDS);
    atRates.push({ rate, fraction, result: await load(`${fresh.url}/complaint`, rate) });
    await fresh.stop();
  }

  const a = await reference('bench/reference-intake.ts', 'a.sqlite');
  const refA = await load(a.url);
  a.stop();

  const b = await reference('bench/reference-insert.ts', 'b.sqlite');
  const refB = await load(b.url);
  b.stop();

  const row = (name: string, r: Load) =>
    `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  ` +
    `${(r.rps / refA.rps).toFixed(2)}× (a)  ${(r.rps / refB.rps).toFixed(2)}× (b)` +
    `${r.failed || r.errors ? `  failed ${r.failed} (${JSON.stringify(r.statuses)}) errors ${r.errors}` : ''}`;
  process.stdout.write(
    [
      `bench:intake ${new Date().toISOString()}  ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
      `${connections} connections, ${seconds} s each, DB_SYNC=${sync}`,
      row('web form POST /complaint', form),
      row('(a) intake on bare node:http', refA),
      row('(b) one INSERT on bare node:http', refB),
      `web form at a fixed offered rate, evenly paced, up to ${connections} connections (latency from each post's due time):`,
      ...atRates.map(
        ({ rate, fraction, result: r }) =>
          `  ${String(rate).padStart(5)} req/s offered (${Math.round(fraction * 100)} %)  ${r.rps.toFixed(0).padStart(5)} req/s done  ` +
          `p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  max ${String(r.max ?? '?').padStart(4)} ms` +
          `${r.failed || r.errors ? `  failed ${r.failed} (${JSON.stringify(r.statuses)}) errors ${r.errors}` : ''}`,
      ),
      '',
    ].join('\n'),
  );
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:intake failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
