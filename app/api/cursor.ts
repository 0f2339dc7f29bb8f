// The list's opaque cursor: the keyset (created_at, id) of the last row of a page, base64url
// JSON. Opaque to clients so the keyset can change without breaking them; parsed with zod, so a
// forged or truncated cursor is a 400, never a 500.
import { z } from 'zod';
import type { Keyset } from '../../db/store/ticket-list';

const keysetSchema = z.object({ t: z.number().int().nonnegative(), i: z.number().int().positive() }).strict();

export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify({ t: k.createdAt, i: k.id })).toString('base64url');
}

export function decodeCursor(cursor: string): Keyset | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = keysetSchema.safeParse(json);
  return parsed.success ? { createdAt: parsed.data.t, id: parsed.data.i } : null;
}
