// The early warning on synthetic histories whose answer is known: a planted spike fires once per
// period and reaches compliance in their language; Poisson noise at a steady rate stays silent;
// a risk signal shared by several customers of one product raises a cluster.
import { describe, expect, it } from 'vitest';
import { scanEarlyWarning } from '../../app/insight/scan.server';
import { outbox } from '../../db/schema';
import { alertTicketReferences, listAlerts } from '../../db/store/insight';
import { addStaff, insightContext, openComplaint, plantCounts, plantHistory } from '../support/insight-fixtures';
import { seededRandom } from '../support/random';

const START = new Date('2026-02-01T00:00:00Z');
const SCAN_AT = new Date('2026-04-05T09:00:00Z'); // window 2026-03-29 … 2026-04-04
const WINDOW_START_DAY = 56; // day index of 2026-03-29

function alertMails(db: ReturnType<typeof insightContext>['db']) {
  return db.select().from(outbox).all().filter((o) => o.purpose === 'insight.alert');
}

describe('early warning', () => {
  it('fires on a planted spike once per period and tells compliance in their language', () => {
    const ctx = insightContext();
    addStaff(ctx.db, { email: 'wang@bank.example', role: 'compliance', language: 'zh' });
    addStaff(ctx.db, { email: 'smith@bank.example', role: 'compliance', language: 'en' });
    addStaff(ctx.db, { email: 'agent@bank.example', role: 'agent', language: 'zh' });
    addStaff(ctx.db, { email: 'gone@bank.example', role: 'compliance', language: 'en', disabled: true });
    const random = seededRandom(42);
    plantHistory(ctx, {
      start: START,
      days: 63,
      random,
      series: [
        { fields: { product: 'wealth', cause: 'fees' }, rate: () => 2 },
        { fields: { product: 'cards', cause: 'service' }, rate: () => 2 },
        // The spike: wealth products mis-sold, from nothing to six a day in the last week.
        { fields: { product: 'wealth', cause: 'mis_selling' }, rate: (d) => (d >= WINDOW_START_DAY ? 6 : 0) },
      ],
    });

    const first = scanEarlyWarning(ctx.db, { at: SCAN_AT, publicUrl: 'https://complaints.example.com' });
    expect(first.window).toMatchObject({ windowFrom: '2026-03-29', windowTo: '2026-04-05', period: '2026-W14' });
    expect(first.raised.map((a) => a.key).sort()).toEqual(['spike:cause:mis_selling:2026-W14', 'spike:product:wealth:2026-W14']);

    const wealth = first.raised.find((a) => a.facts.dimension === 'product')!;
    expect(wealth.facts.observed).toBeGreaterThan(wealth.facts.expected! * 2);
    expect(wealth.facts.pValue).toBeLessThan(0.01);
    // The alert links every wealth complaint of the window, and nothing else.
    const refs = alertTicketReferences(ctx.db, wealth.id);
    expect(refs).toHaveLength(wealth.facts.observed);
    const windowWealth = ctx.db.$client
      .prepare("select reference from tickets where product = 'wealth' and created_at >= ? and created_at < ? order by id")
      .pluck()
      .all(Date.parse('2026-03-29T00:00:00Z'), Date.parse('2026-04-05T00:00:00Z'));
    expect(refs).toEqual(windowWealth);

    const mails = alertMails(ctx.db);
    expect(mails.map((m) => m.recipient).sort()).toEqual([
      'smith@bank.example',
      'smith@bank.example',
      'wang@bank.example',
      'wang@bank.example',
    ]);
    const zh = mails.find((m) => m.recipient === 'wang@bank.example' && m.subject!.includes('理财产品'))!;
    expect(zh.subject).toContain(`近 7 天投诉 ${wealth.facts.observed} 件`);
    expect(zh.body).toContain(refs[0]!);
    expect(zh.body).toContain('https://complaints.example.com/staff/reports');
    const en = mails.find((m) => m.recipient === 'smith@bank.example' && m.subject!.includes('Wealth management'))!;
    expect(en.subject).toMatch(/^\[Early warning\] Wealth management: \d+ complaints in 7 days, [\d.]+× the expected$/);
    expect(en.body).toContain(`Poisson test p`);

    // Again the same day, and later in the same week: nothing new.
    const again = scanEarlyWarning(ctx.db, { at: SCAN_AT, publicUrl: 'https://complaints.example.com' });
    expect(again).toMatchObject({ raised: [], alreadyRaised: 2 });
    expect(alertMails(ctx.db)).toHaveLength(4);
    expect(listAlerts(ctx.db, { limit: 10 })).toHaveLength(2);
  });

  it('stays silent on Poisson noise at steady rates', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const ctx = insightContext();
      addStaff(ctx.db, { email: 'wang@bank.example', role: 'compliance', language: 'zh' });
      plantCounts(ctx.db, {
        start: START,
        days: 63,
        random: seededRandom(seed),
        series: [
          { fields: { product: 'wealth', cause: 'mis_selling' }, rate: () => 1 },
          { fields: { product: 'cards', cause: 'fees' }, rate: () => 3 },
          { fields: { product: 'loans', cause: 'debt_collection' }, rate: () => 2 },
          { fields: { product: 'insurance', cause: 'contract_claims' }, rate: () => 0.5 },
          { fields: { product: 'payments', cause: 'transaction_error' }, rate: () => 8 },
        ],
      });
      const result = scanEarlyWarning(ctx.db, { at: SCAN_AT, publicUrl: 'https://complaints.example.com' });
      expect({ seed, raised: result.raised.map((a) => a.key) }).toEqual({ seed, raised: [] });
      expect(alertMails(ctx.db)).toHaveLength(0);
    }
  });

  it('raises a cluster when several customers share a risk signal on one product', () => {
    const ctx = insightContext();
    addStaff(ctx.db, { email: 'smith@bank.example', role: 'compliance', language: 'en' });
    const day = (n: number) => new Date(Date.parse('2026-03-29T10:00:00Z') + n * 86_400_000);
    // Three customers, one product, one signal: a cluster.
    const misSold = [1, 2, 3].map((i) => openComplaint(ctx, { at: day(i), product: 'funds', flag: 'mis-selling', email: `c${i}@example.com` }));
    // One customer three times: persistence, not a pattern.
    for (const i of [1, 2, 3]) openComplaint(ctx, { at: day(i), product: 'cards', flag: 'fraud', email: 'same@example.com' });
    // A flag that is not a risk signal, and a signal outside the window.
    for (const i of [1, 2, 3]) openComplaint(ctx, { at: day(i), product: 'loans', flag: 'vip', email: `v${i}@example.com` });
    openComplaint(ctx, { at: day(-3), product: 'funds', flag: 'fraud', email: 'old1@example.com' });

    const result = scanEarlyWarning(ctx.db, { at: SCAN_AT, publicUrl: 'https://complaints.example.com' });
    expect(result.raised.map((a) => a.key)).toEqual(['cluster:funds:mis-selling:2026-W14']);
    const [cluster] = result.raised;
    expect(cluster!.facts).toMatchObject({ customers: 3, observed: 3, flag: 'mis-selling' });
    expect(alertTicketReferences(ctx.db, cluster!.id)).toEqual(misSold.map((t) => t.reference));
    const [mail] = alertMails(ctx.db);
    expect(mail!.subject).toBe('[Early warning] Funds: 3 customers with the same risk signal "mis-selling"');
    for (const t of misSold) expect(mail!.body).toContain(t.reference);
  });
});
