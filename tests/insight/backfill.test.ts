// The backfill recounts, set by set, exactly the cells the triggers and the roll-up hook count one
// write at a time; and a bulk load with the insight triggers suspended (the benchmark's million)
// ends, after the backfill, with the same roll-ups, the triggers back and the lessons searchable.
import { describe, expect, it } from 'vitest';
import { backfillRollups } from '../../app/insight/rollup.server';
import type { Db } from '../../db/client';
import {
  insightAgentDaily,
  insightDailyCounts,
  insightDailyFacts,
  insightDailyTotals,
  insightMonthlyCounts,
  insightMonthlyFacts,
  insightMonthlyFactTotals,
} from '../../db/schema';
import { searchLessons, suspendInsightTriggers } from '../../db/store/insight';
import { generateInsightYear, YEAR_NOW, YEAR_START } from '../support/insight-year';
import { testContext } from '../support/ticket-context';

const TICKETS = 1_000;
const tables = { insightDailyCounts, insightDailyTotals, insightMonthlyCounts, insightDailyFacts, insightMonthlyFacts, insightMonthlyFactTotals, insightAgentDaily };

/** Every roll-up cell, table by table, as sorted JSON lines (cells summing to nothing left out). */
function cells(db: Db): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(tables).map(([name, table]) => [
      name,
      db
        .select()
        .from(table)
        .all()
        .filter((c) => ('opened' in c ? c.opened !== 0 : c.n !== 0 || c.total !== 0))
        .map((c) => JSON.stringify(c))
        .sort(),
    ]),
  );
}

const insightTriggers = (db: Db) =>
  db.$client.prepare("select name from sqlite_master where type = 'trigger' and name like 'insight%' order by name").pluck().all();

function liveYear() {
  const { db } = testContext();
  generateInsightYear(db, { tickets: TICKETS, mode: 'live' });
  return db;
}

describe('insight backfill', () => {
  it('recounts every cell the triggers and the roll-up hook counted, over a synthetic year', () => {
    const db = liveYear();
    const kept = cells(db);
    // Not a vacuous comparison: every kind of fact is there.
    const measures = new Set(kept.insightDailyFacts!.map((c) => (JSON.parse(c) as { measure: string }).measure));
    expect([...measures].sort()).toEqual(['breach', 'escalation', 'flag', 'rating', 'review', 'root_cause', 'sla', 'suitability', 'time']);
    const agentMeasures = new Set(kept.insightAgentDaily!.map((c) => (JSON.parse(c) as { measure: string }).measure));
    expect([...agentMeasures].sort()).toEqual(['breach', 'handled', 'rating']);
    expect(kept.insightDailyCounts!.length).toBeGreaterThan(500);
    backfillRollups(db);
    expect(cells(db)).toEqual(kept);
  });

  it('ends a bulk load without the insight triggers with the same roll-ups, the triggers back and the lessons searchable', () => {
    const live = cells(liveYear());
    const { db } = testContext();
    const triggers = insightTriggers(db);
    const suspended = suspendInsightTriggers(db);
    expect(insightTriggers(db)).toEqual([]);
    generateInsightYear(db, { tickets: TICKETS, mode: 'bulk' });
    suspended.restore();
    expect(insightTriggers(db)).toEqual(triggers);
    backfillRollups(db);
    expect(cells(db)).toEqual(live);
    const found = searchLessons(db, { from: new Date(YEAR_START), to: YEAR_NOW, filter: {}, query: '风险评估', limit: 5 });
    expect(found.map((l) => l.lesson)).toEqual(Array(5).fill('客户风险评估已过期仍购买高风险产品'));
  });
});
