// `npm start` as a new user runs it: migrate, seed the demo into the empty database, print the
// login and the URL, serve, stop cleanly on SIGTERM; a second start keeps the data.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../app/staff/password.server';

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function start(dir: string, port: number) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: `file:${join(dir, 'redress.sqlite')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      SMTP_PORT: '0',
      DB_SYNC: 'normal',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  for (let i = 0; i < 1500; i++) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited, output: () => out };
}

describe('npm start', () => {
  it('seeds the demo once, prints the login and URL, serves, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-start-'));
    const port = await freePort();
    const first = await start(dir, port);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const out = first.output();
    expect(out).toContain(`http://localhost:${port}`);
    const login = /Demo staff login: (\S+)\s+password: (\S+)/.exec(out);
    expect(login).not.toBeNull();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const db = new Database(join(dir, 'redress.sqlite'), { readonly: true });
    const hash = db.prepare('select password_hash from staff_users where email = ?').pluck().get(login![1]) as string;
    const tickets = db.prepare('select count(*) from tickets').pluck().get();
    db.close();
    expect(await verifyPassword(login![2]!, hash)).toBe(true);
    expect(tickets).toBe(60);

    // A second start finds data and leaves it alone.
    const second = await start(dir, port);
    expect(second.output()).toMatch(/already has data/);
    expect(second.output()).not.toMatch(/Demo staff login/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 240_000);
});
