// npm run bench:email [-- --messages N]: delivers 50 KB messages over SMTP on 4 concurrent
// connections to the built server and reports messages per second and the server's peak
// memory; then one 20 MB message to a fresh server, reporting its time and peak memory.
// Not a test: it measures. Each server runs on its own temporary database (DB_SYNC=full, the
// production default).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { freePort } from '../tests/support/dovecot';
import { startServer, type TestServer } from '../tests/support/server';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '1000' }, big: { type: 'string', default: '20' } } });
const COUNT = Number(values.messages);
const BIG_MB = Number(values.big);

/**
 * CPU time (user + system) the process has used so far, in ms, from /proc/PID/stat. The machine is
 * shared, so messages per second swing with the load; the server's CPU per message does not.
 */
function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on Linux. */
const CLOCK_TICKS = 100;

/** Peak resident memory of a process (VmHWM), in MB. */
function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const PARAGRAPH =
  'I bought a wealth management product at the branch; the relationship manager said it was a deposit. 客户经理说这是存款，实际上是理财产品，现在亏损了。\n';

function message(i: number, bytes: number): Buffer {
  const head = [
    `From: Client ${i % 500} <client${i % 500}@bench.example>`,
    'To: complaints@redress.test',
    `Subject: Complaint ${i}: product sold as a deposit`,
    `Message-ID: <bench-${i}-${process.pid}@bench.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  const body = PARAGRAPH.repeat(Math.ceil(bytes / Buffer.byteLength(PARAGRAPH))).replace(/\n/g, '\r\n');
  return Buffer.from(head + body).subarray(0, bytes);
}

function bigMessage(mb: number): Buffer {
  const attachment = Buffer.alloc(Math.floor(((mb * 1024 * 1024) / 4) * 3) - 4096, 7);
  attachment.set([0x25, 0x50, 0x44, 0x46, 0x2d], 0); // %PDF-
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Big Sender <big@bench.example>',
      'To: complaints@redress.test',
      'Subject: Full statement attached',
      `Message-ID: <bench-big-${process.pid}@bench.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'My full statement is attached.',
      '--b',
      'Content-Type: application/pdf; name="statement.pdf"',
      'Content-Disposition: attachment; filename="statement.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b--',
      '',
    ].join('\r\n'),
  );
}

async function withServer<T>(fn: (s: TestServer, smtpPort: number) => Promise<T>): Promise<T> {
  const smtpPort = await freePort();
  // BENCH_SERVER_NODE_OPTIONS: passed to the server process (e.g. `--import` a profiler preload).
  const nodeOptions: Record<string, string> = process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {};
  const server = await startServer(
    { SMTP_PORT: String(smtpPort), DB_SYNC: 'full', OUTBOX_INTERVAL_MS: '1000', ...nodeOptions },
    undefined,
    { timeoutMs: 180_000 },
  );
  try {
    return await fn(server, smtpPort);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`bench:email — ${COUNT} × 50 KB over 4 SMTP connections, then one ${BIG_MB} MB message`);
  const messages = Array.from({ length: COUNT }, (_, i) => message(i, 50 * 1024));

  await withServer(async (server, port) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
      maxMessages: Infinity,
    });
    // Warm-up: a few messages so module loading and the first prepared statements are not timed.
    for (let i = 0; i < 4; i++) await transport.sendMail({ envelope: { from: 'w@bench.example', to: ['c@redress.test'] }, raw: message(COUNT + i, 50 * 1024) });
    const cpuBefore = cpuMs(server.child.pid!);
    const started = process.hrtime.bigint();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < messages.length) {
          const raw = messages[next++]!;
          await transport.sendMail({ envelope: { from: 'client@bench.example', to: ['complaints@redress.test'] }, raw }).catch(() => (failed += 1));
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuPerMessage = (cpuMs(server.child.pid!) - cpuBefore) / COUNT;
    transport.close();
    console.log(
      `50 KB: ${COUNT} messages in ${seconds.toFixed(2)} s = ${(COUNT / seconds).toFixed(0)} messages/s` +
        `; server CPU ${cpuPerMessage.toFixed(1)} ms per message` +
        `${failed ? ` (${failed} failed)` : ''}; server peak RSS ${peakMb(server.child.pid!).toFixed(0)} MB`,
    );
  });

  await withServer(async (server, port) => {
    const raw = bigMessage(BIG_MB);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const before = peakMb(server.child.pid!);
    const started = process.hrtime.bigint();
    const info = await transport.sendMail({ envelope: { from: 'big@bench.example', to: ['complaints@redress.test'] }, raw });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    transport.close();
    console.log(
      `${(raw.byteLength / 1024 / 1024).toFixed(1)} MB message: ${info.response.slice(0, 40)} in ${seconds.toFixed(2)} s; ` +
        `server peak RSS ${before.toFixed(0)} MB before, ${peakMb(server.child.pid!).toFixed(0)} MB after`,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
