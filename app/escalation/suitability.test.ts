import { describe, expect, it } from 'vitest';
import { ageOf, assessmentStale, heldProductsConcerned, riskFlagsFor } from './suitability';

const now = new Date('2026-03-01T00:00:00Z');
const profile = { riskLevel: 'C2', assessedOn: '2025-09-01', birthDate: '1961-03-02', ageBand: null, vulnerable: false };

describe('suitability', () => {
  it('counts age from the birth date, else the lower bound of the band', () => {
    expect(ageOf({ birthDate: '1961-03-02', ageBand: null }, now)).toBe(64);
    expect(ageOf({ birthDate: '1961-03-01', ageBand: null }, now)).toBe(65);
    expect(ageOf({ birthDate: null, ageBand: '65+' }, now)).toBe(65);
    expect(ageOf({ birthDate: null, ageBand: '60-64' }, now)).toBe(60);
    expect(ageOf({ birthDate: null, ageBand: null }, now)).toBeNull();
  });

  it('an assessment is stale after a year', () => {
    expect(assessmentStale('2025-03-01', now)).toBe(false);
    expect(assessmentStale('2025-02-28', now)).toBe(true);
    expect(assessmentStale(null, now)).toBe(true);
  });

  it('finds the held products a complaint is about, by type or by name in full-width text', () => {
    const holdings = [
      { productCode: 'FND001', name: 'Growth Fund', type: 'funds', riskLevel: 'R4' },
      { productCode: 'DEP001', name: 'Fixed Deposit', type: 'deposits', riskLevel: 'R1' },
    ];
    expect(heldProductsConcerned(holdings, 'funds', '').map((h) => h.productCode)).toEqual(['FND001']);
    expect(heldProductsConcerned(holdings, null, '关于ＤＥＰ００１的利息').map((h) => h.productCode)).toEqual(['DEP001']);
    expect(heldProductsConcerned(holdings, 'cards', 'my card')).toEqual([]);
  });

  it('raises mismatch (critical for C1), missing assessment, age and repeat', () => {
    const fund = { productCode: 'FND001', name: 'Growth Fund', type: 'funds', riskLevel: 'R4' };
    expect(riskFlagsFor({ profile, concerned: [fund], complaintsIn90Days: 1, now }).map((f) => f.flag)).toEqual(['suitability-mismatch']);
    const c1 = riskFlagsFor({ profile: { ...profile, riskLevel: 'C1' }, concerned: [fund], complaintsIn90Days: 1, now });
    expect(c1[0]!.detail).toMatch(/^critical: /);
    const flags = riskFlagsFor({ profile: { ...profile, riskLevel: null, assessedOn: null, birthDate: '1950-01-01' }, concerned: [fund], complaintsIn90Days: 3, now });
    expect(flags.map((f) => f.flag)).toEqual(['assessment-missing', 'vulnerable', 'repeat']);
    expect(riskFlagsFor({ profile, concerned: [{ ...fund, riskLevel: 'R2' }], complaintsIn90Days: 2, now })).toEqual([]);
  });
});
