// backup and restore as an operator runs them: a backup taken while the server is writing, then
// restored (never over a running server), is an intact database that holds everything the server
// acknowledged before the backup began, and a new server starts on it and serves a ticket.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

const TOKEN = 'backup-secret-0123456789';
const run = promisify(execFile);
let live: TestServer;
let restored: TestServer | undefined;

async function redress(args: string[], databasePath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: `file:${databasePath}`, DB_SYNC: 'normal' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  live = await startServer({ INBOUND_EMAIL_TOKEN: TOKEN }, undefined, { timeoutMs: 120_000 });
});
afterAll(async () => {
  await Promise.all([live?.stop(), restored?.stop()]);
});

describe('backup and restore', () => {
  it('a backup taken under write load restores to an intact database the server starts on', async () => {
    // Write load: four clients posting complaints by the email webhook until told to stop.
    const acknowledged: { id: string; at: number }[] = [];
    let writing = true;
    let n = 0;
    const client = async () => {
      while (writing) {
        const id = `<backup-${++n}@client.example>`;
        const res = await fetch(`${live.url}/webhooks/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${TOKEN}` },
          body: new Uint8Array(mailText({ from: `client${n}@example.com`, id, body: `Complaint number ${n}.` })),
        });
        if (res.status === 200 && ((await res.json()) as { ok: boolean }).ok) acknowledged.push({ id, at: Date.now() });
      }
    };
    const clients = [client(), client(), client(), client()];
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 50));

    const dir = mkdtempSync(join(tmpdir(), 'redress-backup-'));
    const file = join(dir, 'nightly.sqlite');
    const backupStarted = Date.now();
    const backup = await redress(['backup', file], live.databasePath);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up \d+ pages to /);
    writing = false;
    await Promise.all(clients);

    // Never over a running server: refused, and the live database is untouched.
    const before = query<{ n: number }>(live.databasePath, 'select count(*) n from messages')[0]!.n;
    const refused = await redress(['restore', file], live.databasePath);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is open in another process');
    expect(query<{ n: number }>(live.databasePath, 'select count(*) n from messages')[0]!.n).toBe(before);

    // A file that is not a database is refused before anything changes.
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database'.repeat(100));
    const target = join(mkdtempSync(join(tmpdir(), 'redress-restored-')), 'redress.sqlite');
    const bad = await redress(['restore', junk], target);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an SQLite database|failed the integrity check/);

    const done = await redress(['restore', file], target);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Restored nightly\.sqlite .*integrity ok/);
    expect(query(target, 'pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    // Everything acknowledged before the backup began is in it, each exactly once.
    const ids = new Set(query<{ id: string }>(target, "select provider_message_id id from messages where channel = 'email'").map((r) => r.id));
    const before_backup = acknowledged.filter((a) => a.at < backupStarted);
    expect(before_backup.length).toBeGreaterThanOrEqual(20);
    expect(before_backup.filter((a) => !ids.has(a.id))).toEqual([]);
    expect(query<{ n: number }>(target, 'select count(*) - count(distinct provider_message_id) n from messages')[0]!.n).toBe(0);

    // The server starts on the restored database and serves a ticket through the API.
    const token = (await redress(['token:create', '--name', 'restore check', '--role', 'admin'], target)).stdout.trim();
    expect(token).toMatch(/^rdr_/);
    restored = await startServer({}, join(target, '..'), { timeoutMs: 120_000 });
    const [ticket] = query<{ reference: string }>(target, 'select reference from tickets order by id limit 1');
    const res = await fetch(`${restored.url}/api/v1/tickets/${ticket!.reference}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ticket: { reference: string }; messages: { text: string }[] };
    expect(body.ticket.reference).toBe(ticket!.reference);
    expect(body.messages[0]!.text).toContain('Complaint number');
  }, 240_000);
});
