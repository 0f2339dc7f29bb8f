// The CLI as a user runs it: a child process against a temporary DATABASE_URL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hashApiToken } from '../../app/api/auth.server';
import { verifyPassword } from '../../app/staff/password.server';

function tempDb(): { dir: string; url: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'redress-cli-'));
  const path = join(dir, 'redress.sqlite');
  return { dir, url: `file:${path}`, path };
}

function redress(args: string[], opts: { url: string; input?: string }) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: opts.url, DB_SYNC: 'normal' },
    input: opts.input ?? '',
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('redress CLI', () => {
  it('lists its commands and answers --help for each', () => {
    const { url } = tempDb();
    const top = redress(['--help'], { url });
    expect(top.code).toBe(0);
    for (const name of ['seed', 'token:create', 'user:add', 'backup']) expect(top.stdout).toContain(name);
    for (const name of ['seed', 'user:add']) {
      const h = redress([name, '--help'], { url });
      expect(h.code, name).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: redress ${name} `));
    }
    const unknown = redress(['frobnicate'], { url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  }, 180_000);

  it('token:create prints a token once and stores only its hash', () => {
    const db = tempDb();
    const r = redress(['token:create', '--name', 'CRM sync', '--role', 'supervisor'], db);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^rdr_[\w-]{43}$/);
    const sqlite = new Database(db.path, { readonly: true });
    const row = sqlite.prepare('select name, role, token_hash from api_tokens').get() as Record<string, string>;
    sqlite.close();
    expect(row).toEqual({ name: 'CRM sync', role: 'supervisor', token_hash: hashApiToken(token) });
    expect(JSON.stringify(row)).not.toContain(token);
  }, 180_000);

  it('token:create and user:add refuse bad flags with one clear line and exit 2', () => {
    const db = tempDb();
    const cases: [string[], RegExp][] = [
      [['token:create', '--name', 'x', '--role', 'king'], /--role: must be one of agent, supervisor, compliance, admin/],
      [['token:create', '--name', 'x', '--colour', 'red'], /colour/],
      [['user:add', '--email', 'nope', '--name', 'A', '--role', 'agent', '--password-stdin'], /--email/],
      [['user:add', '--email', 'a@bank.example', '--name', 'A', '--role', 'agent'], /--password-stdin/],
    ];
    for (const [args, reason] of cases) {
      const r = redress(args, db);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(reason);
    }
  }, 180_000);

  it('user:add creates a staff account with an scrypt hash from --password-stdin, once', async () => {
    const db = tempDb();
    const add = (input: string) =>
      redress(['user:add', '--email', 'Lin.Xiao@Bank.example', '--name', '林晓', '--role', 'agent', '--team', 'Front line', '--password-stdin'], { ...db, input });
    const short = add('short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 12 characters/);
    const ok = add('correct horse battery staple\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('lin.xiao@bank.example');
    const sqlite = new Database(db.path, { readonly: true });
    const row = sqlite
      .prepare('select s.email, s.name, s.role, s.password_hash, t.name as team from staff_users s join teams t on t.id = s.team_id')
      .get() as Record<string, string>;
    sqlite.close();
    expect(row).toMatchObject({ email: 'lin.xiao@bank.example', name: '林晓', role: 'agent', team: 'Front line' });
    expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', row.password_hash!)).toBe(true);
    const again = add('correct horse battery staple\n');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has an account/);
  }, 180_000);

  it('backup copies the live database and refuses to overwrite a file', () => {
    const db = tempDb();
    expect(redress(['token:create', '--name', 'x'], db).code).toBe(0);
    const target = join(db.dir, 'copies', 'backup.sqlite');
    const r = redress(['backup', target], db);
    expect(r.code, r.stderr).toBe(0);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('select count(*) from api_tokens').pluck().get()).toBe(1);
    copy.close();
    const again = redress(['backup', target], db);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const existing = join(db.dir, 'notes.txt');
    writeFileSync(existing, 'keep me');
    expect(redress(['backup', existing], db).code).toBe(2);
  }, 180_000);

  it('seed --tickets writes that many consistent tickets and refuses bad counts', () => {
    const db = tempDb();
    for (const bad of ['0', '1000001']) {
      const r = redress(['seed', '--tickets', bad], db);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const r = redress(['seed', '--tickets', '1500'], db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Seeded 1500 tickets/);
    const again = redress(['seed', '--tickets', '500'], db);
    expect(again.code, again.stderr).toBe(0);
    const sqlite = new Database(db.path, { readonly: true });
    const q = (sql: string) => sqlite.prepare(sql).pluck().get();
    expect(q('select count(*) from tickets')).toBe(2000);
    expect(q('select count(distinct reference) from tickets')).toBe(2000);
    expect(q('select count(distinct customer_id) from tickets')).toBe(2000);
    expect(q('select count(*) from messages')).toBe(2000);
    // Counters match what was handed out, so intake carries on after the seeded references.
    expect(q("select sum(last) from reference_counters")).toBe(2000);
    expect(q("select count(*) from tickets where status in ('resolved','closed') and resolved_at is null")).toBe(0);
    expect(q('select count(*) from tickets where created_at < ' + (Date.now() - 367 * 86400000))).toBe(0);
    expect(q('select count(distinct product) from tickets')).toBeGreaterThan(5);
    expect(q('select count(distinct status) from tickets')).toBe(5);
    sqlite.close();
  }, 180_000);

  it('seed --demo creates staff of every role and about 60 tickets, then refuses a second demo', async () => {
    const db = tempDb();
    const r = redress(['seed', '--demo'], db);
    expect(r.code, r.stderr).toBe(0);
    const password = /password: (\S+)/.exec(r.stdout)?.[1];
    expect(password).toBeDefined();
    const sqlite = new Database(db.path, { readonly: true });
    const roles = sqlite.prepare('select distinct role from staff_users order by role').pluck().all();
    expect(roles).toEqual(['admin', 'agent', 'compliance', 'supervisor']);
    const hash = sqlite.prepare("select password_hash from staff_users where email = 'admin@redress.localhost'").pluck().get() as string;
    expect(await verifyPassword(password!, hash)).toBe(true);
    expect(sqlite.prepare('select count(*) from tickets').pluck().get()).toBe(60);
    expect(sqlite.prepare('select count(distinct language) from tickets').pluck().get()).toBe(2);
    expect(sqlite.prepare('select count(distinct channel) from tickets').pluck().get()).toBe(5);
    expect(sqlite.prepare('select count(distinct status) from tickets').pluck().get()).toBeGreaterThanOrEqual(4);
    expect(sqlite.prepare("select count(*) from messages where direction = 'out'").pluck().get()).toBeGreaterThan(10);
    // Seeded through the server's hooks: every demo ticket has its SLA timers, and the rules ran.
    expect(sqlite.prepare('select count(*) from tickets where id not in (select ticket_id from sla_timers)').pluck().get()).toBe(0);
    expect(sqlite.prepare("select count(*) from events where type = 'rule.fired'").pluck().get()).toBeGreaterThan(0);
    sqlite.close();
    const again = redress(['seed', '--demo'], db);
    expect(again.code).toBe(2);
    const ifEmpty = redress(['seed', '--if-empty'], db);
    expect(ifEmpty.code).toBe(0);
    expect(ifEmpty.stdout).toMatch(/already has data/);
  }, 180_000);
});
