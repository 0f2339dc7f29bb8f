// Helpers for the email tests: fixtures, a read-only look at a test server's database, and a
// bounded wait for a condition (never a sleep for time to pass).
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

export function emailFixture(name: string, replace: Record<string, string> = {}): Buffer {
  let raw = readFileSync(new URL(`../fixtures/email/${name}`, import.meta.url)).toString('latin1');
  for (const [k, v] of Object.entries(replace)) raw = raw.split(k).join(v);
  return Buffer.from(raw, 'latin1');
}

export function query<T = Record<string, unknown>>(databasePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function exec(databasePath: string, sql: string): void {
  const db = new Database(databasePath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Polls `check` until it returns a value other than undefined/false, at most `tries` × 50 ms. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function mailText(opts: { from?: string; to?: string; subject?: string; body?: string; id?: string; headers?: string[] }): Buffer {
  return Buffer.from(
    [
      `From: ${opts.from ?? 'Li Wei <li.wei@example.com>'}`,
      `To: ${opts.to ?? 'complaints@redress.test'}`,
      `Subject: ${opts.subject ?? 'Wealth product sold as a deposit'}`,
      ...(opts.id ? [`Message-ID: ${opts.id}`] : []),
      ...(opts.headers ?? []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      opts.body ?? 'The bank sold me a wealth product as if it were a deposit.',
      '',
    ].join('\r\n'),
  );
}
