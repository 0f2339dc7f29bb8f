import { describe, expect, it } from 'vitest';
import { decisionText, parseMoneyMinor, referralRights } from './decision';

describe('decision letter', () => {
  it('names the referral body of each regime', () => {
    expect(referralRights('CN-NFRA', 'zh')).toContain('12378');
    expect(referralRights('UK-FCA', 'en')).toContain('Financial Ombudsman Service');
    expect(referralRights('US-CFPB', 'en')).toContain('Consumer Financial Protection Bureau');
  });

  it('carries the outcome, the redress and the rating link', () => {
    const text = decisionText({
      reference: 'CMP-2026-000001',
      language: 'en',
      name: 'Ann',
      outcome: 'partly_upheld',
      explanation: 'The fee was wrong.',
      redress: 'CNY 20.00',
      regime: 'UK-FCA',
      rateLink: 'https://x/track/t/rate',
    });
    expect(text).toContain('partly upheld');
    expect(text).toContain('CNY 20.00');
    expect(text).toContain('https://x/track/t/rate');
  });

  it('reads sums of money into minor units', () => {
    expect(parseMoneyMinor('12.5')).toBe(1250);
    expect(parseMoneyMinor('1,000')).toBe(100000);
    expect(parseMoneyMinor('')).toBeNull();
    expect(parseMoneyMinor('abc')).toBeUndefined();
  });
});
