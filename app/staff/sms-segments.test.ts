import { describe, expect, it } from 'vitest';
import { countSegments } from './sms-segments';

describe('SMS segments', () => {
  it('counts GSM-7 text in 160 and then 153-character parts', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('€').units).toBe(2);
  });

  it('counts Chinese text in 70 and then 67-unit parts', () => {
    expect(countSegments('您'.repeat(70)).segments).toBe(1);
    expect(countSegments('您'.repeat(71)).segments).toBe(2);
    expect(countSegments('').segments).toBe(0);
  });
});
