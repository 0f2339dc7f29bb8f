// Profiling aid: the web form's intake (form parsing, the zod schema through Conform, and
// submitComplaint() with the server's ticket hooks) N times in a row, in process, on a fresh
// database; prints wall and CPU time per intake. Run it under --cpu-prof to see where it goes:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-intake.ts 1000 [CONCURRENCY]
// DB_SYNC=full|normal (default normal).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWithZod } from '@conform-to/zod/v4';
import { complaintSchema } from '../app/portal/complaint-form';
import { submitComplaint } from '../app/portal/submit.server';
import type { TicketContext } from '../app/tickets/context';
import { createTicketHooks } from '../app/tickets/hooks.server';
import { openDb } from '../db/client';
import { complaintForm, FORM_CONTENT_TYPE } from './payload';

const n = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 1);
const sync = process.env.DB_SYNC === 'full' ? 'full' : 'normal';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const db = openDb({ url: `file:${join(dir, 'a.sqlite')}`, sync });
const ctx: TicketContext = { db, publicUrl: 'http://localhost', attachmentDir: `${dir}/files`, hooks: [] };
ctx.hooks.push(...createTicketHooks(ctx, { now: new Date() }));
async function one(i: number) {
  const now = new Date();
  const request = new Request('http://localhost/complaint', { method: 'POST', headers: { 'content-type': FORM_CONTENT_TYPE }, body: complaintForm(i) });
  const formData = await request.formData();
  const schema = complaintSchema({ region: 'CN', today: now.toISOString().slice(0, 10) });
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== 'success') throw new Error('bad');
  await submitComplaint(ctx, submission.value, { language: 'zh', now });
}
// `concurrency` submissions in flight at once, each starting the next when it is answered, as
// that many HTTP connections would (their intakes then share commits: db/group-commit.ts).
async function submitAll(from: number, to: number) {
  let next = from;
  const worker = async () => {
    while (next < to) await one(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
await submitAll(0, 50);
const t0 = performance.now();
const c0 = process.cpuUsage();
await submitAll(50, n);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(
  `${n - 50} intakes, ${concurrency} at a time, DB_SYNC=${sync}: ${(ms / (n - 50)).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / (n - 50)).toFixed(2)} ms CPU each`,
);
