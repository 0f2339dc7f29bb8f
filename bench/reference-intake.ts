// Reference (a): the same intake without the framework. Bare node:http, the same zod schema
// and the same intake() call (one transaction) as POST /api/v1/tickets; no Remix, no express.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createTicketSchema } from '../app/api/schemas';
import { intake } from '../app/tickets/intake.server';
import { openDb, type DbSync } from '../db/client';

const [dbPath, sync] = process.argv.slice(2);
const db = openDb({ url: `file:${dbPath}`, sync: (sync as DbSync) ?? 'full' });
const ctx = { db, publicUrl: 'http://localhost', attachmentDir: `${dbPath}.files`, hooks: [] };
const schema = createTicketSchema('CN');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let parsed;
    try {
      parsed = schema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      res.writeHead(400).end();
      return;
    }
    const b = parsed.data;
    const now = new Date();
    const r = intake(
      ctx,
      {
        channel: b.channel,
        sender: { name: b.name, email: b.email, phone: b.phone },
        text: b.description,
        attachments: [],
        providerMessageId: `bench:${randomUUID()}`,
        threadHints: [],
        receivedAt: now,
      },
      {
        kind: b.kind,
        product: b.product ?? null,
        cause: b.cause ?? null,
        amountMinor: b.amount ?? null,
        occurredOn: b.occurredOn ?? null,
        outcomeWanted: b.outcomeWanted ?? null,
        consentToContact: b.consentToContact,
      },
      now,
    );
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: r.reference }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
