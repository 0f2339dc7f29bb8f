// Shared by the API tests: a database seeded before the server starts, and tokens per role.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiToken, newApiToken } from '../../app/api/auth.server';
import { seedBulk } from '../../cli/commands/seed';
import { openDb, writeTransaction, type Db } from '../../db/client';
import type { StaffRole } from '../../db/constants';
import { insertApiToken } from '../../db/store/api-tokens';

export function seededDir(tickets: number): { dir: string; databasePath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'redress-api-'));
  const databasePath = join(dir, 'redress.sqlite');
  const db = openDb({ url: `file:${databasePath}`, sync: 'normal' });
  if (tickets > 0) seedBulk(db, tickets, new Date());
  db.$client.close();
  return { dir, databasePath };
}

export function createToken(db: Db, role: StaffRole, name = `${role} test`): string {
  const token = newApiToken();
  writeTransaction(db, (tx) => insertApiToken(tx, { name, role, tokenHash: hashApiToken(token), now: new Date() }));
  return token;
}

export function tokensFor(databasePath: string): Record<StaffRole, string> {
  const db = openDb({ url: `file:${databasePath}`, sync: 'normal' });
  try {
    return {
      agent: createToken(db, 'agent'),
      supervisor: createToken(db, 'supervisor'),
      compliance: createToken(db, 'compliance'),
      admin: createToken(db, 'admin'),
    };
  } finally {
    db.$client.close();
  }
}

export function client(base: string, token?: string) {
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
}
