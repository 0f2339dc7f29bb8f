import { describe, expect, it } from 'vitest';
import { openDb } from '../client';
import { OLDEST_TIMER_SQL, OUTBOX_BACKLOG_SQL } from './operations';

// A scrape must cost the backlog, never the history: these plans must stay on the partial indexes.
describe('operations figures', () => {
  const db = openDb({ url: ':memory:' });
  const plan = (q: string) => (db.$client.prepare(`explain query plan ${q}`).all() as { detail: string }[]).map((r) => r.detail);

  it('reads the outbox backlog through outbox_due_idx and one primary-key lookup', () => {
    const steps = plan(OUTBOX_BACKLOG_SQL);
    expect(steps).toContain('SCAN outbox USING INDEX outbox_due_idx');
    expect(steps).toContain('SEARCH o USING INTEGER PRIMARY KEY (rowid=?)');
    expect(steps.filter((s) => /^SCAN outbox(?! USING)/.test(s))).toEqual([]);
  });

  it('finds the earliest timer instant with one seek in sla_timers_next_idx', () => {
    expect(plan(OLDEST_TIMER_SQL)).toEqual(['SEARCH sla_timers USING COVERING INDEX sla_timers_next_idx']);
  });
});
