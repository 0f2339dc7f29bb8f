// Profiling aid: N 50 KB emails (the bench:email message) through receiveEmail() with the
// server's ticket hooks, in process, on a fresh database; prints wall and CPU time per message.
// The second argument is how many messages are received at once (bench:email uses 4 SMTP
// connections; 1, the default, receives one after another).
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-email.ts 300 4
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveEmail } from '../app/email/receive.server';
import type { TicketContext } from '../app/tickets/context';
import { createTicketHooks } from '../app/tickets/hooks.server';
import { openDb } from '../db/client';
const PARAGRAPH = 'I bought a wealth management product at the branch; the relationship manager said it was a deposit. 客户经理说这是存款，实际上是理财产品，现在亏损了。\n';
function message(i: number, bytes: number): Buffer {
  const head = [`From: Client ${i % 500} <client${i % 500}@bench.example>`, 'To: complaints@redress.test', `Subject: Complaint ${i}: product sold as a deposit`, `Message-ID: <bench-${i}-${process.pid}@bench.example>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ''].join('\r\n');
  const body = PARAGRAPH.repeat(Math.ceil(bytes / Buffer.byteLength(PARAGRAPH))).replace(/\n/g, '\r\n');
  return Buffer.from(head + body).subarray(0, bytes);
}
const dir = mkdtempSync(join(tmpdir(), 'profm-'));
const db = openDb({ url: `file:${join(dir, 'a.sqlite')}`, sync: 'normal' });
const ctx: TicketContext = { db, publicUrl: 'http://localhost', attachmentDir: `${dir}/files`, hooks: [] };
ctx.hooks.push(...createTicketHooks(ctx, { now: new Date() }));
const r = { tickets: ctx, quarantineDir: `${dir}/q`, parse: { ownHosts: ['localhost'] } };
const n = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 1);
async function receiveRange(from: number, to: number): Promise<void> {
  let next = from;
  const receiver = async () => {
    while (next < to) {
      const result = await receiveEmail(r, { raw: message(next++, 50 * 1024), source: 'smtp', now: new Date() });
      if (result.status !== 'stored') throw new Error(`not stored: ${result.error}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, receiver));
}
await receiveRange(0, 30);
const c0 = process.cpuUsage(); const t0 = performance.now();
await receiveRange(30, n);
const cpu = process.cpuUsage(c0);
console.log(`${n - 30} emails, ${concurrency} at a time: ${((performance.now() - t0) / (n - 30)).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / (n - 30)).toFixed(2)} ms CPU each`);
