// Profiling aid: N sequential submitComplaint() calls in process (run with --cpu-prof).
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
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const db = openDb({ url: `file:${join(dir, 'a.sqlite')}`, sync: 'normal' });
const ctx: TicketContext = { db, publicUrl: 'http://localhost', attachmentDir: `${dir}/files`, hooks: [] };
if (process.env.NOCKPT) db.$client.pragma("wal_autocheckpoint = 0");
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
for (let i = 0; i < 50; i++) await one(i);
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 50; i < n; i++) await one(i);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(`${n - 50} intakes, ${(ms / (n - 50)).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / (n - 50)).toFixed(2)} ms CPU each`);
if (process.env.FRAMES) {
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  for (let k = 0; k < 5; k++) {
    const before = (db.$client.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    await one(100000 + k);
    const after = (db.$client.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    console.log('frames per intake', after, before);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  }
}
