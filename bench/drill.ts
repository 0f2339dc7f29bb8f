// The reliability drill (issue #9): starts the built server as a separate process, drives mixed
// intake at it (web form posts, signed Twilio webhooks, SMTP deliveries, raw-MIME webhook posts),
// SIGKILLs it at random moments and starts it again, then checks the promise: every submission
// Redress acknowledged is stored exactly once, nothing is half stored, the database is intact,
// every queued notification went out, and a second delivery of everything changes nothing.
//
//   npm run drill                       # 2 minutes (DB_SYNC=full)
//   npm run drill -- --duration 30s --round 2s-5s --workers 2 --sync normal --seed 7
//
// tests/reliability/drill.test.ts runs the short form through runDrill().
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { multipart, PDF, send, validComplaint } from '../tests/portal/portal-client';
import { freePort } from '../tests/support/dovecot';
import { mailText } from '../tests/support/email';
import { messageIdOf, startMailSink } from '../tests/support/mail-sink';
import { startFakeTwilio, sidOf, type FakeTwilio } from '../tests/support/fake-twilio';
import { seededRandom } from '../tests/support/random';
import { startServer, type TestServer } from '../tests/support/server';
import { postSigned, smsForm } from '../tests/support/twilio-webhook';

type Kind = 'web' | 'sms' | 'smtp' | 'webhook';
const KINDS: Kind[] = ['web', 'sms', 'smtp', 'webhook'];

export interface DrillOptions {
  durationMs: number;
  /** Each round runs for a random time in [min, max] ms before the kill. */
  roundMs: [number, number];
  /** Concurrent clients per kind of intake. */
  workers: number;
  /** Keep going past the duration until the server was killed this many times. */
  minKills?: number;
  sync: 'full' | 'normal';
  seed: number;
  log?: (line: string) => void;
}

export interface DrillReport {
  submissions: number;
  acknowledged: number;
  found: number;
  lost: number;
  duplicated: number;
  /** Sent but never acknowledged (the kill came before the answer), yet stored: allowed, once. */
  storedUnacknowledged: number;
  kills: number;
  killsSurvived: number;
  byKind: Record<Kind, { submissions: number; acknowledged: number; lost: number; duplicated: number }>;
  outboxRows: number;
  outboxSent: number;
  outboxUnsent: number;
  /** Deliveries the sinks saw more than once (at-least-once delivery after a kill, see docs/decisions/0002). */
  outboxDuplicates: number;
  /** Rows marked sent whose message the sinks never saw. */
  outboxMissing: number;
  halfStored: Record<string, number>;
  integrity: string;
  replayed: number;
  replayChanges: Record<string, [number, number]>;
  gracefulExit: number | null;
  problems: string[];
  ok: boolean;
}

interface Submission {
  n: number;
  kind: Kind;
  marker: string;
  /** The key Redress deduplicates on: web:<submissionId>, MessageSid, Message-ID. */
  key: string;
  channel: 'web' | 'sms' | 'email';
  attempts: number;
  acknowledged: boolean;
  payload: Buffer | Record<string, string>;
  withFile?: boolean;
}

const TOKEN = 'drill-inbound-token-0123456789';
const PUBLIC_URL = 'https://drill.redress.test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** SQL that must return 0: each counts a kind of half-stored record. */
export const HALF_STORED_CHECKS: Record<string, string> = {
  'ticket without a message': `select count(*) from tickets t where not exists (select 1 from messages m where m.ticket_id = t.id)`,
  'ticket without its ticket.created event': `select count(*) from tickets t where not exists (select 1 from events e where e.ticket_id = t.id and e.type = 'ticket.created')`,
  'inbound message without its message.received event': `select count(*) from messages m where m.direction = 'in' and not exists (
      select 1 from events e where e.ticket_id = m.ticket_id and e.type = 'message.received' and json_extract(e.data, '$.messageId') = m.id)`,
  'email message without its raw inbound_emails row': `select count(*) from messages m where m.direction = 'in' and m.channel = 'email'
      and not exists (select 1 from inbound_emails i where i.message_id = m.id)`,
  'inbound_emails row pointing at no message': `select count(*) from inbound_emails i where i.outcome = 'message'
      and not exists (select 1 from messages m where m.id = i.message_id)`,
  'ack.queued event without its outbox row': `select count(*) from events e where e.type = 'ack.queued'
      and (json_extract(e.data, '$.email') = 1 or json_extract(e.data, '$.sms') = 1)
      and not exists (select 1 from outbox o where o.ticket_id = e.ticket_id and o.purpose = 'ack')`,
  'tickets not counted in the daily roll-up': `select (select count(*) from tickets) - (select coalesce(sum(opened), 0) from insight_daily_counts)`,
  'reference counter behind an issued reference': `select count(*) from tickets t where cast(substr(t.reference, -6) as integer) > (
      select r.last from reference_counters r where r.prefix = substr(t.reference, 1, 3) and r.year = cast(substr(t.reference, 5, 4) as integer))`,
};

const COUNTED_TABLES = ['tickets', 'messages', 'events', 'outbox', 'inbound_emails', 'attachments', 'customers', 'customer_contacts', 'sla_timers'];

export async function runDrill(opts: DrillOptions): Promise<DrillReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const random = seededRandom(opts.seed);
  const runId = randomBytes(3).toString('hex');
  const home = mkdtempSync(join(tmpdir(), 'redress-drill-'));
  const problems: string[] = [];
  const twilio: FakeTwilio = await startFakeTwilio();
  const sink = await startMailSink();
  const [httpPort, smtpPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    PORT: String(httpPort),
    SMTP_PORT: String(smtpPort),
    PUBLIC_URL,
    DB_SYNC: opts.sync,
    INBOUND_EMAIL_TOKEN: TOKEN,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: '+447700900001',
    TWILIO_API_URL: twilio.url,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    OUTBOX_INTERVAL_MS: '100',
    // Rows a killed server had claimed are sent again after the lease; short here so the drill sees it.
    OUTBOX_LEASE_MS: '3000',
    WAL_CHECKPOINT_MS: '1000',
    LOG_LEVEL: 'info',
  };
  let server: TestServer | undefined = await startServer(env, home, { startTimeoutMs: 120_000 });
  const databasePath = server.databasePath;
  const submissions: Submission[] = [];
  let n = 0;
  let stopping = false;
  const failures = new Map<string, number>();

  function newSubmission(kind: Kind): Submission {
    n += 1;
    const marker = `DRILL${runId}x${n}`;
    const sub = { n, kind, marker, attempts: 0, acknowledged: false } as Submission;
    if (kind === 'web') {
      const submissionId = randomBytes(16).toString('base64url');
      sub.key = `web:${submissionId}`;
      sub.channel = 'web';
      sub.withFile = random() < 0.3;
      sub.payload = validComplaint(submissionId, {
        name: `Drill Client ${n}`,
        email: `web.${runId}.${n}@example.com`,
        description: `The adviser sold me a fund as a deposit. ${marker}`,
      });
    } else if (kind === 'sms') {
      const sid = sidOf('SM');
      sub.key = sid;
      sub.channel = 'sms';
      sub.payload = smsForm(twilio.accountSid, {
        sid,
        from: `+86139${String(10_000_000 + ((opts.seed * 7919 + n) % 89_999_999)).padStart(8, '0')}`,
        body: `My card was charged twice this month. ${marker}`,
      });
    } else {
      const id = `<${marker}@client.example>`;
      sub.key = id;
      sub.channel = 'email';
      sub.payload = mailText({
        from: `Client ${n} <${kind}.${runId}.${n}@example.com>`,
        to: 'complaints@redress.test',
        id,
        subject: `Complaint ${n}`,
        body: `My insurance claim was refused without a reason. ${marker}`,
      });
    }
    submissions.push(sub);
    return sub;
  }

  /** One delivery attempt: true when Redress acknowledged it (303 to the confirmation, 200, 250). */
  async function deliver(sub: Submission): Promise<boolean> {
    const target = { url: `http://127.0.0.1:${httpPort}` } as TestServer;
    if (sub.kind === 'web') {
      const fields = sub.payload as Record<string, string>;
      const res = await send(target, '/complaint', {
        method: 'POST',
        body: multipart(fields, sub.withFile ? [{ name: 'statement.pdf', content: PDF }] : []),
        headers: { 'Accept-Language': 'en' },
      });
      if ((res.status === 302 || res.status === 303) && /\/track\/[\w-]{43}\/sent$/.test(res.headers.get('location') ?? '')) return true;
      if (res.status < 500) problems.push(`web ${sub.n}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return false;
    }
    if (sub.kind === 'sms') {
      const res = await postSigned({
        baseUrl: target.url,
        publicUrl: PUBLIC_URL,
        authToken: twilio.authToken,
        path: '/webhooks/twilio/sms',
        params: sub.payload as Record<string, string>,
      });
      await res.arrayBuffer();
      if (res.status === 200) return true;
      if (res.status < 500) problems.push(`sms ${sub.n}: ${res.status}`);
      return false;
    }
    if (sub.kind === 'webhook') {
      const res = await fetch(`${target.url}/webhooks/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${TOKEN}` },
        body: new Uint8Array(sub.payload as Buffer),
      });
      const body = await res.text();
      if (res.status === 200 && JSON.parse(body).ok === true) return true;
      if (res.status < 500) problems.push(`webhook ${sub.n}: ${res.status} ${body.slice(0, 200)}`);
      return false;
    }
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
    try {
      const info = await transport.sendMail({ envelope: { from: `smtp.${runId}.${sub.n}@example.com`, to: ['complaints@redress.test'] }, raw: sub.payload as Buffer });
      return /^250 /.test(info.response);
    } finally {
      transport.close();
    }
  }

  async function worker(kind: Kind): Promise<void> {
    while (!stopping) {
      const sub = newSubmission(kind);
      // A client retries the same submission until it is acknowledged, as a mail server or Twilio would.
      while (!sub.acknowledged) {
        sub.attempts += 1;
        const t = Date.now();
        try {
          sub.acknowledged = await deliver(sub);
        } catch (error) {
          // Connection refused or reset: the server is down (or was killed mid-request).
          const reason = `${kind}: ${error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error)}`;
          failures.set(reason, (failures.get(reason) ?? 0) + 1);
        }
        if (Date.now() - t > 5_000) log(`${kind} ${sub.n}: one attempt took ${((Date.now() - t) / 1000).toFixed(1)} s`);
        if (sub.acknowledged || stopping) break;
        await sleep(100 + random() * 200);
      }
    }
  }

  const started = Date.now();
  const workers = KINDS.flatMap((kind) => Array.from({ length: opts.workers }, () => worker(kind)));
  let kills = 0;
  let killsSurvived = 0;
  const done = () => Date.now() - started >= opts.durationMs && kills >= (opts.minKills ?? 0);
  while (!done()) {
    const [min, max] = opts.roundMs;
    await sleep(min + random() * (max - min));
    if (done()) break;
    await server.stop('SIGKILL');
    kills += 1;
    log(`kill ${kills} after ${((Date.now() - started) / 1000).toFixed(1)} s, ${submissions.length} submissions so far`);
    await sleep(random() * 500);
    server = await startServer(env, home, { startTimeoutMs: 120_000 });
    killsSurvived += 1;
  }
  stopping = true;
  await Promise.all(workers);
  log(`failed attempts (the server was down or killed): ${JSON.stringify(Object.fromEntries(failures))}`);
  log(`intake stopped after ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the outbox to drain`);

  // Every queued notification goes out: rows a killed server had claimed come back after their lease.
  const unsent = () => readDb(databasePath, (db) => db.prepare(`select count(*) from outbox where status in ('queued', 'sending')`).pluck().get() as number);
  const drainDeadline = Date.now() + 90_000;
  while (unsent() > 0 && Date.now() < drainDeadline) await sleep(250);

  // A second delivery of every acknowledged webhook and SMTP message changes nothing.
  const countAll = () =>
    readDb(databasePath, (db) => Object.fromEntries(COUNTED_TABLES.map((t) => [t, db.prepare(`select count(*) from ${t}`).pluck().get() as number])));
  const before = countAll();
  let replayed = 0;
  for (const sub of submissions.filter((s) => s.acknowledged && s.kind !== 'web')) {
    replayed += 1;
    if (!(await deliver(sub).catch(() => false))) problems.push(`replay of ${sub.kind} ${sub.n} was not acknowledged`);
  }
  const after = countAll();
  const replayChanges = Object.fromEntries(
    COUNTED_TABLES.filter((t) => before[t] !== after[t]).map((t) => [t, [before[t]!, after[t]!] as [number, number]]),
  );

  const gracefulExit = await server.stop('SIGTERM');
  server = undefined;
  if (gracefulExit !== 0) problems.push(`SIGTERM: the server exited with ${gracefulExit}`);

  const report = readDb(databasePath, (db) => {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    // Count every stored inbound message by the marker in its text, so a duplicate under another key shows too.
    const stored = new Map<string, number>();
    for (const text of db.prepare(`select text from messages where direction = 'in'`).pluck().all() as string[]) {
      for (const m of text.matchAll(/DRILL[0-9a-f]+x\d+/g)) stored.set(m[0], (stored.get(m[0]) ?? 0) + 1);
    }
    const byKey = db.prepare('select count(*) from messages where channel = ? and provider_message_id = ?').pluck();
    const byKind = Object.fromEntries(KINDS.map((k) => [k, { submissions: 0, acknowledged: 0, lost: 0, duplicated: 0 }])) as DrillReport['byKind'];
    let found = 0;
    let lost = 0;
    let duplicated = 0;
    let storedUnacknowledged = 0;
    for (const sub of submissions) {
      const copies = Math.max(stored.get(sub.marker) ?? 0, byKey.get(sub.channel, sub.key) as number);
      const k = byKind[sub.kind];
      k.submissions += 1;
      if (copies > 1) {
        duplicated += 1;
        k.duplicated += 1;
      }
      if (sub.acknowledged) {
        k.acknowledged += 1;
        if (copies === 0) {
          lost += 1;
          k.lost += 1;
          problems.push(`lost: ${sub.kind} ${sub.n} (${sub.key})`);
        } else found += 1;
      } else if (copies > 0) storedUnacknowledged += 1;
    }
    const halfStored = Object.fromEntries(Object.entries(HALF_STORED_CHECKS).map(([name, sql]) => [name, db.prepare(sql).pluck().get() as number]));
    const attachmentsMissing = (db.prepare(`select storage_key from attachments where state = 'stored'`).pluck().all() as string[]).filter(
      (key) => !existsSync(join(home, 'attachments', key)),
    ).length;
    halfStored['stored attachment whose file is missing'] = attachmentsMissing;

    const outbox = db.prepare(`select id, channel, status, provider_id as providerId from outbox`).all() as {
      id: number;
      channel: string;
      status: string;
      providerId: string | null;
    }[];
    const smsSids = new Set(twilio.sent.map((s) => s.sid));
    // Email copies by Message-ID (one without an id counts on its own).
    const mailCopies = new Map<string, number>();
    sink.received.forEach((m, i) => {
      const id = messageIdOf(m) ?? `(none ${i})`;
      mailCopies.set(id, (mailCopies.get(id) ?? 0) + 1);
    });
    const outboxMissing = outbox.filter(
      (o) => o.status === 'sent' && (o.channel === 'email' ? !mailCopies.has(o.providerId ?? '') : !smsSids.has(o.providerId ?? '')),
    ).length;
    const smsCopies = new Map<string, number>();
    for (const s of twilio.sent) smsCopies.set(`${s.to}\n${s.body}`, (smsCopies.get(`${s.to}\n${s.body}`) ?? 0) + 1);
    const outboxDuplicates = [...mailCopies.values(), ...smsCopies.values()].reduce((sum, c) => sum + (c - 1), 0);
    return {
      integrity,
      found,
      lost,
      duplicated,
      storedUnacknowledged,
      byKind,
      halfStored,
      outboxRows: outbox.length,
      outboxSent: outbox.filter((o) => o.status === 'sent').length,
      outboxUnsent: outbox.filter((o) => o.status !== 'sent').length,
      outboxDuplicates,
      outboxMissing,
    };
  });

  await Promise.all([twilio.close(), sink.close()]);
  for (const [name, count] of Object.entries(report.halfStored)) if (count !== 0) problems.push(`half stored: ${count} × ${name}`);
  if (report.integrity !== 'ok') problems.push(`integrity_check: ${report.integrity}`);
  if (report.outboxUnsent > 0) problems.push(`${report.outboxUnsent} outbox rows never sent`);
  if (report.outboxMissing > 0) problems.push(`${report.outboxMissing} outbox rows marked sent that no sink received`);
  for (const [table, [b, a]] of Object.entries(replayChanges)) problems.push(`replay changed ${table}: ${b} → ${a}`);
  if (report.duplicated > 0) problems.push(`${report.duplicated} submissions stored more than once`);
  const result: DrillReport = {
    submissions: submissions.length,
    acknowledged: submissions.filter((s) => s.acknowledged).length,
    ...report,
    kills,
    killsSurvived,
    replayed,
    replayChanges,
    gracefulExit,
    problems,
    ok: problems.length === 0,
  };
  if (result.ok) rmSync(home, { recursive: true, force: true });
  else log(`drill data kept in ${home}`);
  return result;
}

export function formatReport(r: DrillReport, opts: DrillOptions, elapsedMs: number): string {
  const rows: [string, string | number][] = [
    ['duration', `${(elapsedMs / 1000).toFixed(0)} s (intake ${(opts.durationMs / 1000).toFixed(0)} s), DB_SYNC=${opts.sync}, seed ${opts.seed}`],
    ['submissions', r.submissions],
    ...KINDS.map((k): [string, string] => [`  ${k}`, `${r.byKind[k].submissions} sent, ${r.byKind[k].acknowledged} acknowledged, ${r.byKind[k].lost} lost, ${r.byKind[k].duplicated} duplicated`]),
    ['acknowledged', r.acknowledged],
    ['found (exactly once)', r.found],
    ['lost', r.lost],
    ['duplicated', r.duplicated],
    ['stored, not acknowledged', r.storedUnacknowledged],
    ['kills survived', `${r.killsSurvived} of ${r.kills}`],
    ['half-stored records', Object.values(r.halfStored).reduce((a, b) => a + b, 0)],
    ['integrity_check', r.integrity],
    ['outbox sent', `${r.outboxSent} of ${r.outboxRows}`],
    ['outbox duplicates', r.outboxDuplicates],
    ['replayed (webhooks, SMTP)', `${r.replayed}, changes: ${Object.keys(r.replayChanges).length === 0 ? 'none' : JSON.stringify(r.replayChanges)}`],
    ['SIGTERM exit code', String(r.gracefulExit)],
    ['result', r.ok ? 'PASS' : `FAIL (${r.problems.length} problems)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`).join('\n');
}

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m)?$/, 'a duration such as 90s, 2m or 1500ms')
  .transform((v) => {
    const [, num, unit] = /^([\d.]+)(ms|s|m)?$/.exec(v)!;
    return Number(num) * (unit === 'ms' ? 1 : unit === 'm' ? 60_000 : 1000);
  });
const argsSchema = z.object({
  duration: duration.default(120_000),
  round: z
    .string()
    .regex(/^\d+(\.\d+)?s?-\d+(\.\d+)?s?$/, 'a range such as 3s-8s')
    .transform((v) => v.split('-').map((p) => Number.parseFloat(p) * 1000) as [number, number])
    .default([3000, 8000]),
  workers: z.coerce.number().int().min(1).max(16).default(2),
  sync: z.enum(['full', 'normal']).default('full'),
  'min-kills': z.coerce.number().int().min(0).default(0),
  seed: z.coerce.number().int().default(() => Date.now() % 100_000),
});

async function main(argv: string[]): Promise<number> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) {
      process.stderr.write(`drill: unexpected argument ${argv[i]}\nusage: npm run drill -- [--duration 2m] [--round 3s-8s] [--workers 2] [--min-kills N] [--sync full|normal] [--seed N]\n`);
      return 2;
    }
    raw[m[1]!] = m[2] ?? argv[++i] ?? '';
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    process.stderr.write(`drill: --${String(issue.path[0])}: ${issue.message}\n`);
    return 2;
  }
  const opts: DrillOptions = { durationMs: parsed.data.duration, roundMs: parsed.data.round, workers: parsed.data.workers, minKills: parsed.data['min-kills'], sync: parsed.data.sync, seed: parsed.data.seed };
  const t0 = Date.now();
  const report = await runDrill(opts);
  process.stdout.write(`${formatReport(report, opts, Date.now() - t0)}\n`);
  for (const p of report.problems.slice(0, 50)) process.stdout.write(`problem: ${p}\n`);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`drill failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
