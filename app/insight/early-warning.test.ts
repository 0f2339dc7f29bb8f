import { describe, expect, it } from 'vitest';
import { poissonDraw, seededRandom } from '../../tests/support/random';
import {
  findClusters,
  findRises,
  isoWeek,
  logGamma,
  poissonUpperTail,
  scanWindow,
  testRise,
  type DailyCount,
} from './early-warning';

describe('poissonUpperTail', () => {
  it('matches exact tail sums', () => {
    // Reference values summed term by term (Python, math.lgamma).
    expect(poissonUpperTail(5, 1)).toBeCloseTo(0.00365984682734366, 15);
    expect(poissonUpperTail(12, 5)).toBeCloseTo(0.005453091913009356, 14);
    expect(poissonUpperTail(3, 5)).toBeCloseTo(0.8753479805169189, 13);
    expect(poissonUpperTail(20, 2.5) / 3.4804487521162813e-12).toBeCloseTo(1, 10);
    expect(poissonUpperTail(1200, 1000) / 4.684203855872235e-10).toBeCloseTo(1, 8);
  });

  it('stays finite where factorials and tiny probabilities overflow a double', () => {
    const p = poissonUpperTail(5000, 100);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-300);
    expect(Number.isFinite(Math.log(poissonUpperTail(400, 100)))).toBe(true);
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(logGamma(171 + 1)).toBeCloseTo(711.71472580229, 8);
  });
});

describe('testRise', () => {
  it('needs at least five complaints however unlikely the count', () => {
    expect(testRise({ observed: 4, baseline: 0 }).significant).toBe(false);
    expect(testRise({ observed: 5, baseline: 0 }).significant).toBe(true);
  });

  it('says by how much the window rose', () => {
    const r = testRise({ observed: 30, baseline: 79.5 });
    expect(r.expected).toBe(10);
    expect(r.ratio).toBe(3);
    expect(r.significant).toBe(true);
  });

  it('raises no more than 1% false alarms on Poisson noise at a steady rate', () => {
    const random = seededRandom(20260401);
    let alarms = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const rate = [0.5, 1, 2, 4, 8][i % 5]!;
      let baseline = 0;
      for (let d = 0; d < 56; d++) baseline += poissonDraw(random, rate);
      let observed = 0;
      for (let d = 0; d < 7; d++) observed += poissonDraw(random, rate);
      if (testRise({ observed, baseline }).significant) alarms++;
    }
    expect(alarms / trials).toBeLessThan(0.01);
  });

  it('catches a doubling of a steady rate nearly every time', () => {
    const random = seededRandom(7);
    let caught = 0;
    for (let i = 0; i < 200; i++) {
      let baseline = 0;
      for (let d = 0; d < 56; d++) baseline += poissonDraw(random, 3);
      let observed = 0;
      for (let d = 0; d < 7; d++) observed += poissonDraw(random, 9);
      if (testRise({ observed, baseline }).significant) caught++;
    }
    expect(caught).toBeGreaterThan(190);
  });
});

describe('scan window', () => {
  it('covers the 7 complete days before the scan and the 8 weeks before those', () => {
    expect(scanWindow(new Date('2026-04-10T15:30:00Z'))).toEqual({
      baselineFrom: '2026-02-06',
      windowFrom: '2026-04-03',
      windowTo: '2026-04-10',
      period: '2026-W15',
    });
  });

  it('names ISO weeks across year ends', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2026-12-31')).toBe('2026-W53');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
  });
});

describe('findRises', () => {
  it('finds the series that rose and ignores counts outside the scan', () => {
    const w = scanWindow(new Date('2026-04-10T00:00:00Z'));
    const counts: DailyCount[] = [
      { value: 'wealth', day: '2026-02-10', opened: 8 },
      { value: 'wealth', day: '2026-04-05', opened: 12 },
      { value: 'cards', day: '2026-03-01', opened: 40 },
      { value: 'cards', day: '2026-04-06', opened: 6 },
      { value: 'loans', day: '2026-04-10', opened: 50 }, // the scan's own day: not yet complete
      { value: 'loans', day: '2026-01-01', opened: 50 }, // before the baseline
    ];
    const rises = findRises(counts, w);
    expect(rises.map((r) => [r.value, r.observed])).toEqual([['wealth', 12]]);
    expect(rises[0]!.expected).toBeCloseTo(8.5 / 8, 10);
  });
});

describe('findClusters', () => {
  it('counts distinct customers per product and flag', () => {
    const row = (ticketId: number, customerId: number, product: string, flag: string) => ({
      ticketId,
      reference: `CMP-2026-${String(ticketId).padStart(6, '0')}`,
      customerId,
      product,
      flag,
    });
    const clusters = findClusters([
      row(1, 1, 'wealth', 'mis-selling'),
      row(2, 2, 'wealth', 'mis-selling'),
      row(3, 3, 'wealth', 'mis-selling'),
      row(4, 4, 'wealth', 'fraud'),
      row(5, 5, 'cards', 'fraud'),
      row(6, 5, 'cards', 'fraud'),
      row(7, 5, 'cards', 'fraud'),
    ]);
    expect(clusters).toEqual([
      {
        product: 'wealth',
        flag: 'mis-selling',
        customers: 3,
        tickets: [1, 2, 3].map((ticketId) => ({ ticketId, reference: `CMP-2026-00000${ticketId}` })),
      },
    ]);
  });
});
