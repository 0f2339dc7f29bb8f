// The write-ahead log stays bounded: under sustained writes the -wal file never holds more than
// about one auto-checkpoint's worth (1,000 pages) plus a transaction, however much is written
// (with group commit, a transaction is a group: here up to three 50 KB messages, one per client);
// once writes stop, the server's own checkpoint truncates it to nothing while it keeps running.
import { existsSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

const TOKEN = 'wal-secret-0123456789abcdef';
const MB = 1024 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ INBOUND_EMAIL_TOKEN: TOKEN, WAL_CHECKPOINT_MS: '300' }, undefined, { timeoutMs: 120_000 });
});
afterAll(async () => {
  await server?.stop();
});

const walSize = () => (existsSync(`${server.databasePath}-wal`) ? statSync(`${server.databasePath}-wal`).size : 0);

describe('the write-ahead log', () => {
  it('stays bounded under sustained writes and is truncated once they stop', async () => {
    let largest = 0;
    const sampler = setInterval(() => (largest = Math.max(largest, walSize())), 10);
    let posted = 0;
    let n = 0;
    const client = async () => {
      while (posted < 30 * MB) {
        // Hex text: neither compressible by the raw store nor shortened by the parser.
        const body = randomBytes(24 * 1024).toString('hex').replace(/(.{76})/g, '$1\r\n');
        const res = await fetch(`${server.url}/webhooks/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${TOKEN}` },
          body: new Uint8Array(mailText({ from: `client${++n}@example.com`, id: `<wal-${n}@client.example>`, body })),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        posted += body.length;
      }
    };
    await Promise.all([client(), client(), client()]);
    clearInterval(sampler);
    largest = Math.max(largest, walSize());

    const database = statSync(server.databasePath).size + walSize();
    expect(database).toBeGreaterThan(24 * MB);
    // 1,000 pages of 4 KiB is SQLite's auto-checkpoint; the rest is room for the group in flight
    // (three messages' text with their trigram index entries).
    expect(largest, `largest -wal: ${largest} bytes`).toBeLessThan(10 * MB);
    // Idle now: the next timer tick truncates the log, without a restart.
    await eventually(() => walSize() === 0, 'the -wal file to be truncated', 400);
    expect(query<{ n: number }>(server.databasePath, "select count(*) n from messages where provider_message_id like '<wal-%'")[0]!.n).toBe(n);
  }, 240_000);
});
