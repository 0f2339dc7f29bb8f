// npm run bench:sms — signed Twilio webhooks (new numbers and repeat numbers mixed) against
// the built server, and in the same run against two references on bare node:http (see
// bench/sms-reference.ts). Prints throughput and the ratios. Not a test: it asserts nothing.
// BENCH_SECONDS (default 10), BENCH_CONNECTIONS (10), BENCH_DB_SYNC (full, the production default).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { startServer } from '../tests/support/server';
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

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
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
  console.log(`bench:sms — ${SECONDS}s each, ${CONNECTIONS} connections, DB_SYNC=${SYNC}, half new numbers and half repeat numbers`);
  const rows: [string, Awaited<ReturnType<typeof load>>][] = [];

  const server = await startServer({ PUBLIC_URL, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, DB_SYNC: SYNC, OUTBOX_INTERVAL_MS: '1000' });
  try {
    rows.push(['Redress POST /webhooks/twilio/sms (signed)', await load(server.url)]);
  } finally {
    await server.stop();
  }
  for (const mode of ['intake', 'insert'] as const) {
    const ref = await startReference(mode);
    try {
      rows.push([mode === 'intake' ? 'reference: same intake on bare node:http' : 'reference: single-row insert on bare node:http', await load(ref.url)]);
    } finally {
      await stopChild(ref.child);
    }
  }

  const [webhook, sameIntake, insert] = rows.map(([, r]) => r) as [typeof rows[0][1], typeof rows[0][1], typeof rows[0][1]];
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(52)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`);
  }
  console.log(`webhook / same-intake reference: ${((webhook.rps / sameIntake.rps) * 100).toFixed(0)} % (target ≥ 70 %)`);
  console.log(`webhook / single-row insert:     ${((webhook.rps / insert.rps) * 100).toFixed(0)} %`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
