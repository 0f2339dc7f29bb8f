import { describe, expect, it } from 'vitest';
import { testContext } from '../../tests/support/ticket-context';
import { createInsightScheduler } from './scheduler.server';

describe('insight scheduler', () => {
  it('scans once per UTC day however often it is asked', () => {
    const ctx = testContext();
    const periods: string[] = [];
    const scheduler = createInsightScheduler({ db: ctx.db, publicUrl: ctx.publicUrl, onScan: (r) => periods.push(r.window.windowTo) });
    expect(scheduler.tick(new Date('2026-04-05T00:10:00Z'))).not.toBeNull();
    expect(scheduler.tick(new Date('2026-04-05T13:00:00Z'))).toBeNull();
    expect(scheduler.tick(new Date('2026-04-05T23:59:59Z'))).toBeNull();
    expect(scheduler.tick(new Date('2026-04-06T00:00:00Z'))).not.toBeNull();
    expect(periods).toEqual(['2026-04-05', '2026-04-06']);
  });
});
