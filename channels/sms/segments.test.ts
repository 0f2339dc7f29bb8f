import { describe, expect, it } from 'vitest';
import { countSegments } from './segments';

describe('countSegments', () => {
  it('counts GSM-7 texts in 160, then 153 per part', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('Price: £5, @home, è').encoding).toBe('GSM-7');
  });

  it('counts extension characters as two septets and never splits them', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160 });
    // 152 plain septets, then one escape pair that would straddle the part boundary.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`)).toMatchObject({ segments: 2, units: 164 });
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toMatchObject({ segments: 3, units: 306 });
  });

  it('falls back to UCS-2 for anything outside the GSM alphabet, in 70, then 67 per part', () => {
    expect(countSegments('你'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSegments('你'.repeat(71)).segments).toBe(2);
    expect(countSegments(`${'a'.repeat(100)}’`)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('never splits an emoji across two parts', () => {
    expect(countSegments('🙂'.repeat(35))).toMatchObject({ segments: 1, units: 70 });
    // 66 units, then an emoji that cannot fit in the first part's last unit.
    expect(countSegments(`${'你'.repeat(66)}${'🙂'.repeat(34)}`)).toMatchObject({ segments: 3, units: 134 });
    expect(countSegments('请'.repeat(1500) + '🙂'.repeat(100))).toMatchObject({ encoding: 'UCS-2', segments: 26, units: 1700 });
  });
});
