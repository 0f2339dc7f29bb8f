import { describe, expect, it } from 'vitest';
import { openDb } from './client';

describe('openDb', () => {
  it('applies migrations and turns on WAL and foreign keys', () => {
    const db = openDb({ url: ':memory:' });
    const tables = db.$client
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .pluck()
      .all();
    expect(tables).toEqual(expect.arrayContaining(['tickets', 'messages', 'events', 'outbox', 'customers']));
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
