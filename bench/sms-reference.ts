// The two references bench/sms.ts compares the webhook against, each a bare node:http server
// in its own process on its own database (same pragmas as Redress):
//   intake  — the same work minus the framework: form parse, translateSmsWebhook, receiveSms
//             (so intake()), empty TwiML; no signature check, no express, no request log.
//   insert  — the floor: one single-row INSERT per request, in its own transaction.
// Usage: tsx bench/sms-reference.ts intake|insert DB_PATH SYNC; prints {"port":N} when ready.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, dirname } from 'node:path';
import { receiveSms } from '../app/sms/receive.server';
import { parseForm } from '../channels/sms/form';
import { translateSmsWebhook } from '../channels/sms/inbound';
import { openDb } from '../db/client';

const [mode, dbPath, sync] = process.argv.slice(2);
if ((mode !== 'intake' && mode !== 'insert') || !dbPath) {
  process.stderr.write('usage: sms-reference.ts intake|insert DB_PATH [full|normal]\n');
  process.exit(2);
}
const db = openDb({ url: `file:${dbPath}`, sync: sync === 'normal' ? 'normal' : 'full' });
const tickets = { db, publicUrl: 'https://complaints.example.com', attachmentDir: join(dirname(dbPath), 'attachments'), hooks: [] };
db.$client.exec('create table if not exists bench_rows (id integer primary key autoincrement, body text not null, at integer not null)');
const insert = db.$client.prepare('insert into bench_rows (body, at) values (?, ?)');
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const server = createServer((req, res) => {
  readBody(req).then(
    (raw) => {
      const now = new Date();
      if (mode === 'insert') {
        insert.run(raw, now.getTime());
      } else {
        const t = translateSmsWebhook(parseForm(raw), now);
        if (!t.ok) {
          res.writeHead(400).end(t.error);
          return;
        }
        receiveSms(tickets, t, now);
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(TWIML);
    },
    () => res.writeHead(500).end(),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
