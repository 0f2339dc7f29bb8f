import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseQueueParams } from './queue-params';

describe('queue URL', () => {
  it('keeps valid filters and drops invalid ones', () => {
    const p = parseQueueParams(new URLSearchParams('view=mine&priority=urgent&channel=fax&level=9&q=%20fee%20'));
    expect(p.view).toBe('mine');
    expect(p.priority).toBe('urgent');
    expect(p.channel).toBeUndefined();
    expect(p.level).toBeUndefined();
    expect(p.q).toBe('fee');
    expect(parseQueueParams(new URLSearchParams('view=bogus')).view).toBe('open');
  });

  it('round-trips cursors and ignores forged ones', () => {
    expect(decodeCursor(encodeCursor([9007199254740991, 12]))).toEqual([9007199254740991, 12]);
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('["x"]').toString('base64url'))).toBeNull();
  });
});
