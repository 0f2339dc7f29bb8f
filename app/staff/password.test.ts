import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.server';

describe('staff passwords', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const h1 = await hashPassword('correct horse battery staple');
    const h2 = await hashPassword('correct horse battery staple');
    expect(h1).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse battery staple', h1)).toBe(true);
    expect(await verifyPassword('Correct horse battery staple', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
