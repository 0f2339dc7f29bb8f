// Reference (a): the web form's intake without the framework. Bare node:http; the body read as
// form data by Node's own Request (no Remix, no express), the same zod schema through the same
// Conform parser as the /complaint action, and the same store call, submitComplaint() →
// intake() (one transaction) with the same ticket hooks as the server (createTicketHooks: SLA
// timers, escalation rules, roll-ups), so the difference to the web form is the framework.
import { createServer } from 'node:http';
import { parseWithZod } from '@conform-to/zod/v4';
import { complaintSchema } from '../app/portal/complaint-form';
import { submitComplaint } from '../app/portal/submit.server';
import type { TicketContext } from '../app/tickets/context';
import { createTicketHooks } from '../app/tickets/hooks.server';
import { openDb, type DbSync } from '../db/client';

const [dbPath, sync] = process.argv.slice(2);
const db = openDb({ url: `file:${dbPath}`, sync: (sync as DbSync) ?? 'full' });
const ctx: TicketContext = { db, publicUrl: 'http://localhost', attachmentDir: `${dbPath}.files`, hooks: [] };
ctx.hooks.push(...createTicketHooks(ctx, { now: new Date() }));

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const now = new Date();
      const request = new Request('http://localhost/complaint', {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      });
      const formData = await request.formData().catch(() => undefined);
      const schema = complaintSchema({ region: 'CN', today: now.toISOString().slice(0, 10) });
      const submission = formData ? parseWithZod(formData, { schema }) : undefined;
      if (submission?.status !== 'success') {
        res.writeHead(400).end();
        return;
      }
      const sent = await submitComplaint(ctx, submission.value, { language: 'zh', now });
      res.writeHead(303, { location: `/track/${sent.token}/sent` }).end();
    })().catch(() => res.writeHead(500).end());
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
