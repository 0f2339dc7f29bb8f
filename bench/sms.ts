// npm run bench:sms — signed Twilio webhooks (new numbers and repeat numbers mixed) against
// the built server, and in the same run against two references on bare node:http (see
// bench/sms-reference.ts). Prints throughput and the ratios. Not a test: it asserts nothing.
// BENCH_SECONDS per round (default 10), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (2),
// BENCH_CONNECTIONS (10), BENCH_DB_SYNC (full, the production default).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { smsForm } from '../tests/support/twilio-webhook';

// autocannon ships no types; this is the part of its API the benchmark uses.
interface LoadRequest {
  method: string;
  path: string;
  setupRequest(req: Record<string, unknown>): Record<string, unknown>;
}
interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: LoadRequest[];
}) => Promise<LoadResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const SYNC = process.env.BENCH_DB_SYNC === 'normal' ? 'normal' : 'full';
const PUBLIC_URL = 'https://complaints.example.com';
const PATH = '/webhooks/twilio/sms';
const ACCOUNT = `AC${randomBytes(16).toString('hex')}`;
const TOKEN = randomBytes(16).toString('hex');
const REPEAT_POOL = 200;

const BODIES = [
  'My card was charged twice for the same purchase.',
  '理财经理把基金说成存款卖给我，现在亏损了。',
  'The insurer has not answered my claim for two months.',
  'Any news on my complaint?',
];

let seq = 0;
/** Half the texts come from numbers seen before (they join a ticket), half from new ones (they open one). */
function nextRequest(): { body: string; headers: Record<string, string> } {
  seq += 1;
  const repeat = seq % 2 === 0;
  const n = repeat ? seq % REPEAT_POOL : 1_000_000 + seq;
  const from = `+86139${String(n).padStart(8, '0')}`;
  const params = smsForm(ACCOUNT, { from, body: BODIES[seq % BODIES.length]!, sid: `SM${randomBytes(16).toString('hex')}` });
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC_URL}${PATH}`, params),
    },
  };
}

interface LoadSummary {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<LoadSummary> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: PATH,
        setupRequest: (req) => ({ ...req, ...nextRequest() }),
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/**
 * The built server as `npm start` runs it (log level info), its output discarded rather than
 * parsed by this process, which shares the machine's cores with the load generator.
 */
async function startRedress(): Promise<{ url: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-sms-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      NODE_ENV: 'production',
      DATABASE_URL: `file:${join(dir, 'redress.sqlite')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      SMTP_PORT: '0',
      DB_SYNC: SYNC,
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
    if (Date.now() > deadline) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => ok(port));
    });
  });
}

async function startReference(mode: 'intake' | 'insert'): Promise<{ url: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), `redress-bench-${mode}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sms-reference.ts', mode, join(dir, 'ref.sqlite'), SYNC], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((ok, fail) => {
    child.stdout!.once('data', (d: Buffer) => ok((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', (code) => fail(new Error(`reference ${mode} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

const stopChild = (child: ChildProcess) => new Promise<void>((ok) => (child.exitCode !== null ? ok() : (child.once('exit', () => ok()), child.kill('SIGTERM'))));

async function main(): Promise<void> {
  console.log(
    `bench:sms — ${ROUNDS} rounds of ${SECONDS}s per target (after ${WARMUP}s warm-up), ${CONNECTIONS} connections, DB_SYNC=${SYNC}, half new numbers and half repeat numbers`,
  );
  // All three run side by side and are measured in turn, round after round, so a burst of load
  // from elsewhere on the machine spreads over all of them rather than falling on one.
  const targets = [
    { name: 'Redress POST /webhooks/twilio/sms (signed)', ...(await startRedress()) },
    { name: 'reference: same intake on bare node:http', ...(await startReference('intake')) },
    { name: 'reference: single-row insert on bare node:http', ...(await startReference('insert')) },
  ];
  const runs = targets.map(() => [] as LoadSummary[]);
  try {
    for (const t of targets) await load(t.url, WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, t] of targets.entries()) runs[i]!.push(await load(t.url, SECONDS));
    }
  } finally {
    await Promise.all(targets.map((t) => stopChild(t.child)));
  }

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rps = runs.map((r) => mean(r.map((x) => x.rps)));
  for (const [i, t] of targets.entries()) {
    const r = runs[i]!;
    console.log(
      `${t.name.padEnd(50)} ${rps[i]!.toFixed(1).padStart(7)} req/s  (rounds: ${r.map((x) => x.rps.toFixed(1)).join(', ')})  ` +
        `p50 ${Math.max(...r.map((x) => x.p50))} ms  p99 ${Math.max(...r.map((x) => x.p99))} ms  non-2xx ${r.reduce((a, x) => a + x.non2xx, 0)}  errors ${r.reduce((a, x) => a + x.errors, 0)}`,
    );
  }
  const perRound = runs[0]!.map((x, k) => `${((x.rps / runs[1]![k]!.rps) * 100).toFixed(0)} %`).join(', ');
  console.log(`webhook / same-intake reference: ${((rps[0]! / rps[1]!) * 100).toFixed(0)} %  (per round: ${perRound}; target ≥ 70 %)`);
  console.log(`webhook / single-row insert:     ${((rps[0]! / rps[2]!) * 100).toFixed(0)} %`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
