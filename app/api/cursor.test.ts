import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('list cursor', () => {
  it('round-trips a keyset', () => {
    const k = { createdAt: Date.UTC(2026, 2, 1), id: 42 };
    expect(decodeCursor(encodeCursor(k))).toEqual(k);
  });

  it('refuses what it did not make', () => {
    for (const bad of ['', 'abc', '!!!', Buffer.from('{"t":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url'), 'x'.repeat(500)]) {
      expect(decodeCursor(bad)).toBeNull();
    }
    expect(decodeCursor(Buffer.from('{"t":1,"i":-3}').toString('base64url'))).toBeNull();
  });
});
