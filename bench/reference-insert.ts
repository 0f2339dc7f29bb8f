// Reference (b): the floor of HTTP plus one durable write. Bare node:http, the body stored as
// one row through a prepared better-sqlite3 statement, same pragmas as the real database.
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [dbPath, sync] = process.argv.slice(2);
const db = new Database(dbPath!);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${sync === 'normal' ? 'NORMAL' : 'FULL'}`);
db.exec('create table if not exists rows (id integer primary key, body text not null, created_at integer not null)');
const insert = db.prepare('insert into rows (body, created_at) values (?, ?)');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const id = insert.run(Buffer.concat(chunks).toString('utf8'), Date.now()).lastInsertRowid;
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(id) }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
