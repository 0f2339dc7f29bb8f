import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEscalationConfig, saveRule, seedEscalationDefaults } from '../app/escalation/config.server';
import { openDb, writeTransaction, type Db } from './client';
import { activeStaffByRoles } from './store/escalation';
import { insertStaffUser, updateStaffUser } from './store/staff';
import { memoInTransaction } from './tx-memo';

const now = new Date('2026-03-01T08:00:00Z');
let db: Db;

beforeEach(() => {
  db = openDb({ url: ':memory:', sync: 'normal' });
  seedEscalationDefaults(db, now);
});
afterEach(() => db.$client.close());

describe('memoInTransaction', () => {
  it('reads once per transaction, afresh in the next one, and never through the database handle', () => {
    let reads = 0;
    const read = () => ++reads;
    writeTransaction(db, (tx) => {
      expect(memoInTransaction(tx, 'k', read)).toBe(1);
      expect(memoInTransaction(tx, 'k', read)).toBe(1);
    });
    writeTransaction(db, (tx) => expect(memoInTransaction(tx, 'k', read)).toBe(2));
    expect(memoInTransaction(db, 'k', read)).toBe(3);
    expect(memoInTransaction(db, 'k', read)).toBe(4);
  });

  it('a rule saved in the transaction is in force for the rest of it', () => {
    writeTransaction(db, (tx) => {
      const before = loadEscalationConfig(tx);
      expect(loadEscalationConfig(tx)).toBe(before);
      saveRule(
        tx,
        { key: 'test-rule', name: 'Test', order: 5, triggers: ['ticket.created'], when: { type: 'field', field: 'ticket.kind', is: 'complaint' }, actions: [{ do: 'priority', set: 'high' }] },
        'manager@bank.example',
        now,
      );
      const after = loadEscalationConfig(tx);
      expect(after.rules.map((r) => r.key)).toContain('test-rule');
      expect(before.rules.map((r) => r.key)).not.toContain('test-rule');
    });
  });

  it('staff added or disabled in the transaction are seen by the rest of it', () => {
    writeTransaction(db, (tx) => {
      expect(activeStaffByRoles(tx, ['compliance'], null)).toEqual([]);
      const added = insertStaffUser(tx, { email: 'c@bank.example', name: 'C', role: 'compliance', passwordHash: 'x', now });
      expect(activeStaffByRoles(tx, ['compliance'], null).map((s) => s.id)).toEqual([added.id]);
      updateStaffUser(tx, added.id, { disabledAt: now });
      expect(activeStaffByRoles(tx, ['compliance'], null)).toEqual([]);
    });
  });
});
